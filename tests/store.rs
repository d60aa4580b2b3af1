//! Model-based property test of the store: random ingests over a few URLs, checked against a
//! plain in-memory model, then checked again after the store is closed and reopened.

use chrono::Utc;
use proptest::prelude::*;
use provenance::domain::StatementFilter;
use provenance::domain::{
    Content, Draft, Metadata, Sha256, SourceUrl, StatementId, Submission, Text, VersionNo,
};
use provenance::log::note::NoteSigner;
use provenance::store::{Ingested, Store};
use std::collections::BTreeMap;

const URLS: [&str; 3] = [
    "https://a.example/1",
    "https://b.example/2?x=1",
    "https://c.example/",
];
const TEXTS: [&str; 4] = ["Alpha", "Beta", "Gamma", "Alpha"];
const TITLES: [Option<&str>; 3] = [None, Some("First"), Some("Second")];

#[derive(Debug, Clone)]
struct Op {
    url: usize,
    text: usize,
    title: usize,
}

fn op() -> impl Strategy<Value = Op> {
    (0..URLS.len(), 0..TEXTS.len(), 0..TITLES.len()).prop_map(|(url, text, title)| Op { url, text, title })
}

fn submission(op: &Op) -> Submission {
    Draft {
        source_url: SourceUrl::parse("source_url", URLS[op.url]).unwrap(),
        content: Content::parse("content", TEXTS[op.text].to_owned()).unwrap(),
        metadata: Metadata {
            title: TITLES[op.title].map(|t| Text::parse("title", t, 100).unwrap()),
            ..Metadata::default()
        },
        submitted_by: None,
        sources: Default::default(),
        captured_at: None,
    }
    .read_exactly()
}

/// The model: for each URL, the (text, title) of every version in order.
type Model = BTreeMap<usize, Vec<(&'static str, Option<&'static str>)>>;

/// Every version created, as (URL, version number), in commit order.
type Commits = Vec<(usize, u32)>;

fn check_against_model(store: &Store, model: &Model, commits: &Commits) {
    assert!(store.audit().unwrap().is_empty(), "{:?}", store.audit().unwrap());
    for limit in [0, 1, 3, commits.len() + 2] {
        let recent: Commits = store
            .recent_versions(limit)
            .unwrap()
            .iter()
            .map(|v| {
                let url = URLS
                    .iter()
                    .position(|u| SourceUrl::parse("u", u).unwrap() == v.source_url);
                (url.unwrap(), v.version.get())
            })
            .collect();
        let expected: Commits = commits.iter().rev().take(limit).copied().collect();
        assert_eq!(
            recent, expected,
            "the {limit} versions committed last, newest first"
        );
    }
    for (url, versions) in model {
        let id = StatementId::for_url(&SourceUrl::parse("source_url", URLS[*url]).unwrap());
        let statement = store.statement(&id).unwrap().expect("statement stored");
        assert_eq!(statement.version_count() as usize, versions.len());
        let page = store.versions(&id, None, 1000).unwrap().unwrap();
        assert_eq!(page.items.len(), versions.len());
        for (n, (stored, (text, title))) in page.items.iter().zip(versions).enumerate() {
            assert_eq!(stored.version.get() as usize, n + 1);
            assert_eq!(stored.sha256, Sha256::of(text.as_bytes()));
            assert_eq!(stored.metadata.title.as_ref().map(|t| t.as_ref()), *title);
            let (_, bytes) = store.content(&id, stored.version).unwrap().unwrap();
            assert_eq!(bytes, text.as_bytes());
        }
    }
    for text in TEXTS {
        let expected: usize = model.values().flatten().filter(|(t, _)| *t == text).count();
        let found = store
            .versions_with_hash(&Sha256::of(text.as_bytes()), None, 1000)
            .unwrap();
        assert_eq!(found.items.len(), expected, "versions with text {text}");
    }
    let listed = store.statements(&StatementFilter::default(), None, 1000).unwrap();
    assert_eq!(listed.items.len(), model.len());
}

/// `store`'s export imported at once (`import_all`: one statement's versions split over
/// batches) is the same registry with the same tree; an entry whose content was changed is
/// refused at its index, with exactly the entries before it written.
fn check_import(store: &Store, model: &Model, commits: &Commits) {
    let tree_head = |store: &Store| {
        store
            .checkpoint()
            .unwrap()
            .lines()
            .skip(1)
            .take(2)
            .collect::<Vec<_>>()
            .join("\n")
    };
    let export: Vec<(provenance::domain::Version, Vec<u8>)> = store.journal().map(Result::unwrap).collect();
    let dir = tempfile::tempdir().unwrap();
    let imported = Store::open(dir.path(), NoteSigner::generate("test.example/log").unwrap()).unwrap();
    imported.import_all(&export).unwrap().unwrap();
    imported.finish_import().unwrap();
    check_against_model(&imported, model, commits);
    assert_eq!(tree_head(&imported), tree_head(store));

    let mut tampered = export.clone();
    let at = tampered.len() / 2;
    tampered[at].1.push(b'!');
    let dir = tempfile::tempdir().unwrap();
    let partial = Store::open(dir.path(), NoteSigner::generate("test.example/log").unwrap()).unwrap();
    let (index, refusal) = partial.import_all(&tampered).unwrap().unwrap_err();
    assert_eq!((index, partial.log_size().unwrap()), (at, at as u64), "{refusal}");
    assert!(refusal.contains("does not hash"), "{refusal}");
    assert!(partial.audit().unwrap().is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn store_agrees_with_the_model(ops in proptest::collection::vec(op(), 1..30)) {
        let dir = tempfile::tempdir().unwrap();
        let signer = NoteSigner::generate("test.example/log").unwrap();
        let mut model = Model::new();
        let mut commits = Commits::new();
        {
            let store = Store::open(dir.path(), signer.clone()).unwrap();
            for op in &ops {
                let versions = model.entry(op.url).or_default();
                let entry = (TEXTS[op.text], TITLES[op.title]);
                let outcome = store.ingest(submission(op), Utc::now()).unwrap();
                match outcome {
                    Ingested::Unchanged(version) => {
                        prop_assert_eq!(versions.last(), Some(&entry));
                        prop_assert_eq!(version.version.get() as usize, versions.len());
                    }
                    Ingested::Created(version) => {
                        prop_assert_ne!(versions.last(), Some(&entry));
                        versions.push(entry);
                        prop_assert_eq!(version.version.get() as usize, versions.len());
                        commits.push((op.url, version.version.get()));
                    }
                }
            }
            check_against_model(&store, &model, &commits);
        }
        let reopened = Store::open(dir.path(), signer).unwrap();
        check_against_model(&reopened, &model, &commits);
        check_import(&reopened, &model, &commits);
        let missing = VersionNo::from_u32(1000).unwrap();
        let id = StatementId::for_url(&SourceUrl::parse("source_url", URLS[0]).unwrap());
        prop_assert!(reopened.version(&id, missing).unwrap().is_none());
    }
}

#[test]
fn a_folder_of_another_format_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = sled::open(dir.path()).unwrap();
        db.open_tree("registry")
            .unwrap()
            .insert("F", "something-else/9")
            .unwrap();
        db.flush().unwrap();
    }
    let signer = NoteSigner::generate("test.example/log").unwrap();
    let error = Store::open(dir.path(), signer).err().expect("refused");
    assert!(error.to_string().contains("does not read"), "{error}");
}

/// Group commit under contention: many threads ingest into a few statements at once. Every
/// ingest gets its own answer, no version number is given twice, numbering stays contiguous,
/// the store passes its audit, and the commit counts add up to the versions created.
#[test]
fn concurrent_ingests_are_committed_in_groups_without_losing_or_doubling_a_version() {
    const THREADS: usize = 16;
    const EACH: usize = 25;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), NoteSigner::generate("test.example/log").unwrap()).unwrap();
    let start = std::sync::Barrier::new(THREADS);
    let created: Vec<(StatementId, u32)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..THREADS)
            .map(|thread| {
                let (store, start) = (&store, &start);
                scope.spawn(move || {
                    start.wait();
                    (0..EACH)
                        .map(|n| {
                            let draft = Draft {
                                source_url: SourceUrl::parse("source_url", URLS[(thread + n) % URLS.len()])
                                    .unwrap(),
                                content: Content::parse("content", format!("Text {thread}-{n}")).unwrap(),
                                metadata: Metadata::default(),
                                submitted_by: None,
                                sources: Default::default(),
                                captured_at: None,
                            };
                            match store.ingest(draft.read_exactly(), Utc::now()).unwrap() {
                                Ingested::Created(version) => (version.statement_id, version.version.get()),
                                Ingested::Unchanged(_) => panic!("every text is new"),
                            }
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().unwrap())
            .collect()
    });
    let mut per_statement: BTreeMap<StatementId, Vec<u32>> = BTreeMap::new();
    for (id, number) in created {
        per_statement.entry(id).or_default().push(number);
    }
    for numbers in per_statement.values_mut() {
        numbers.sort_unstable();
        assert_eq!(*numbers, (1..=numbers.len() as u32).collect::<Vec<_>>());
    }
    assert_eq!(store.audit().unwrap(), Vec::<String>::new());
    let (groups, versions) = store.commit_counts();
    assert_eq!(versions, (THREADS * EACH) as u64);
    assert!(groups >= 1 && groups <= versions);
    println!("{versions} versions committed in {groups} groups");
}
