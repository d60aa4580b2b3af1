//! `provenance verify FILE`: asks a registry what it says of a copy (`POST /v1/verify`, so the
//! verdicts are the API's), then checks every match's proof bundle against the log's key, and
//! for a match once normalized, the version's exact bytes and their normalized text, here.
//!
//! The outcome decides the exit code, which scripts rely on: 0 the copy is found and every
//! proof verifies, 1 it is not found or a proof fails, 2 it could not be checked (an unreadable
//! file, a bad key, a server that cannot be reached or refuses the request).

use anyhow::Context;
use serde::Serialize;
use std::path::Path;

use super::verify::{check_bundle, describe_version};
use crate::api::verify::{StatementVerdict, VerificationRecord};
use crate::domain::{ComparableText, ContentType, Sha256};
use crate::find::verify::Verdict;
use crate::log::note::NoteVerifier;

/// What `verify` found, as its `--json` output prints it.
#[derive(Serialize)]
pub struct CopyReport {
    pub outcome: Outcome,
    pub file: String,
    /// SHA-256 of the file's bytes, when it could be read.
    pub sha256: Option<String>,
    /// Whether the log's key was pinned (`--key`); without it the server's own key was used,
    /// which proves consistency, not authenticity.
    pub key_pinned: bool,
    /// The registry's overall verdict (as `POST /v1/verify` gives it).
    pub verdict: Option<Verdict>,
    pub summary: Option<String>,
    /// The verdict at each statement holding the text.
    pub statements: Vec<StatementVerdict>,
    /// Every match, with the outcome of checking its proof here.
    pub checked: Vec<CheckedMatch>,
    /// Whether the registry listed only some of the matches.
    pub truncated: bool,
    /// Why the copy is not verified or could not be checked.
    pub error: Option<String>,
}

/// The three outcomes, each with its exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Found, and every proof verifies: exit 0.
    Verified,
    /// Not in the registry, or a proof does not verify: exit 1.
    NotVerified,
    /// The file, the key or the server kept the check from being made: exit 2.
    CouldNotCheck,
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Self::Verified => 0,
            Self::NotVerified => 1,
            Self::CouldNotCheck => 2,
        }
    }
}

/// One match and what checking it here gave.
#[derive(Debug, Serialize)]
pub struct CheckedMatch {
    pub statement_id: String,
    pub version: u32,
    pub verdict: Verdict,
    /// The proof bundle (and, for a normalized match, the version's bytes and text) verified.
    pub verified: bool,
    /// What was verified, or why it failed.
    pub detail: String,
}

/// A check stopped short: the error, and whether it is the copy's or the checker's.
struct Stop(Outcome, anyhow::Error);

/// The content type a copy is read as: the one given, else by the file's extension.
fn content_type_of(file: &Path, given: Option<&str>) -> anyhow::Result<ContentType> {
    if let Some(given) = given {
        return ContentType::parse("--content-type", given).map_err(anyhow::Error::msg);
    }
    let extension = file
        .extension()
        .map(|ext| ext.to_string_lossy().to_ascii_lowercase());
    Ok(match extension.as_deref() {
        Some("html" | "htm") => ContentType::Html,
        Some("md" | "markdown") => ContentType::Markdown,
        _ => ContentType::Plain,
    })
}

/// Checks `file` against the registry at `server`, with the log key `key` when pinned.
pub async fn verify_file(
    file: &Path,
    server: &str,
    key: Option<&str>,
    content_type: Option<&str>,
) -> CopyReport {
    let mut report = CopyReport {
        outcome: Outcome::Verified,
        file: file.display().to_string(),
        sha256: None,
        key_pinned: key.is_some(),
        verdict: None,
        summary: None,
        statements: Vec::new(),
        checked: Vec::new(),
        truncated: false,
        error: None,
    };
    if let Err(Stop(outcome, error)) =
        check(&mut report, file, server.trim_end_matches('/'), key, content_type).await
    {
        report.outcome = outcome;
        report.error = Some(format!("{error:#}"));
    }
    report
}

async fn check(
    report: &mut CopyReport,
    file: &Path,
    server: &str,
    key: Option<&str>,
    content_type: Option<&str>,
) -> Result<(), Stop> {
    let cannot = |error: anyhow::Error| Stop(Outcome::CouldNotCheck, error);
    let bytes = std::fs::read(file)
        .with_context(|| format!("cannot read {}", file.display()))
        .map_err(cannot)?;
    let content_type = content_type_of(file, content_type).map_err(cannot)?;
    let sha = Sha256::of(&bytes);
    report.sha256 = Some(sha.to_hex());
    let client = Registry {
        http: reqwest::Client::new(),
        server,
    };
    let verifier = match key {
        Some(key) => NoteVerifier::parse(key.trim()).context("the key is not a signed-note verifier key"),
        None => {
            async {
                let text = client.get("/v1/log/key").await?.text().await?;
                NoteVerifier::parse(text.trim()).context("the server's log key is malformed")
            }
            .await
        }
    }
    .map_err(cannot)?;
    // Only UTF-8 text can be in the registry; other bytes are asked about by their hash alone.
    let text = String::from_utf8(bytes).ok();
    let body = match &text {
        Some(text) => serde_json::json!({"content": text, "content_type": content_type.as_str()}),
        None => serde_json::json!({"sha256": sha.to_hex()}),
    };
    let answer: VerificationRecord = client.post_json("/v1/verify", &body).await.map_err(cannot)?;
    let copy_reading = text
        .as_deref()
        .map(|text| ComparableText::read(text, content_type).normalized_sha256());
    report.verdict = Some(answer.verdict);
    report.summary = Some(answer.summary);
    report.statements = answer.statements;
    report.truncated = answer.truncated;
    for found in &answer.matches {
        let checked = check_match(&client, found, &verifier, sha, copy_reading).await;
        let verified = checked.is_ok();
        report.checked.push(CheckedMatch {
            statement_id: found.statement_id.clone(),
            version: found.version,
            verdict: found.verdict,
            verified,
            detail: checked.unwrap_or_else(|error| format!("{error:#}")),
        });
    }
    if answer.matches.is_empty() {
        return Err(Stop(
            Outcome::NotVerified,
            anyhow::anyhow!("unknown: no version in {server} holds this text"),
        ));
    }
    if let Some(failed) = report.checked.iter().find(|checked| !checked.verified) {
        return Err(Stop(
            Outcome::NotVerified,
            anyhow::anyhow!(
                "the proof of statement {} version {} does not verify: {}",
                failed.statement_id,
                failed.version,
                failed.detail
            ),
        ));
    }
    Ok(())
}

/// Verifies one match; returns what it proved in words.
async fn check_match(
    client: &Registry<'_>,
    found: &crate::api::verify::CopyMatchRecord,
    verifier: &NoteVerifier,
    sha: Sha256,
    copy_reading: Option<Sha256>,
) -> anyhow::Result<String> {
    let identical = matches!(found.verdict, Verdict::Current | Verdict::Superseded);
    let version = check_bundle(&found.proof_bundle, verifier, identical.then_some(sha))?;
    anyhow::ensure!(
        version.statement_id.to_string() == found.statement_id && version.version.get() == found.version,
        "the proof bundle is for another version than the match"
    );
    if !identical {
        // The log commits to the version's bytes by their hash; their normalized text is
        // compared here, not taken from the server.
        let copy_reading = copy_reading.context("a normalized match needs the copy's text")?;
        let path = format!(
            "/v1/statements/{}/versions/{}/content",
            found.statement_id, found.version
        );
        let stored = client.get(&path).await?.bytes().await?;
        anyhow::ensure!(
            Sha256::of(&stored) == version.sha256,
            "the version's content does not hash to its logged SHA-256"
        );
        let stored = String::from_utf8_lossy(&stored);
        let reading = ComparableText::read(&stored, version.metadata.content_type).normalized_sha256();
        anyhow::ensure!(
            reading == copy_reading,
            "the version's text is not the copy's once normalized"
        );
    }
    let standing = match (&found.verdict, &found.replaced_by) {
        (Verdict::Current, _) => "current".to_owned(),
        (Verdict::NormalizedMatch, None) => {
            "normalized_match (the same text once normalized), the latest version".to_owned()
        }
        (Verdict::NormalizedMatch, Some(next)) => format!(
            "normalized_match (the same text once normalized), replaced by {}",
            next.summary
        ),
        (_, Some(next)) => format!("superseded by {}", next.summary),
        (_, None) => format!("superseded (the statement has {} versions)", found.latest_version),
    };
    Ok(format!("{}: {standing}", describe_version(&version)))
}

impl CopyReport {
    /// The report for people: one line per match, then the outcome.
    pub fn write_text(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        if !self.key_pinned && self.outcome != Outcome::CouldNotCheck {
            writeln!(
                out,
                "warning: no --key pinned; trusting the key the server presents"
            )?;
        }
        if let Some(sha) = &self.sha256 {
            writeln!(out, "{}: sha256 {sha}", self.file)?;
        }
        for checked in &self.checked {
            let mark = if checked.verified {
                "verified"
            } else {
                "NOT VERIFIED"
            };
            writeln!(out, "{mark}: {}", checked.detail)?;
        }
        if self.truncated {
            writeln!(
                out,
                "note: the registry listed only some of the matching versions"
            )?;
        }
        match (self.outcome, &self.verdict, &self.summary, &self.error) {
            (Outcome::Verified, Some(verdict), Some(summary), _) => {
                let verdict = serde_json::to_value(verdict).unwrap_or_default();
                writeln!(out, "VERIFIED: {}: {summary}", verdict.as_str().unwrap_or("?"))
            }
            (Outcome::CouldNotCheck, _, _, error) => {
                writeln!(out, "COULD NOT CHECK: {}", error.as_deref().unwrap_or("?"))
            }
            (_, _, _, error) => writeln!(out, "NOT VERIFIED: {}", error.as_deref().unwrap_or("?")),
        }
    }
}

/// A registry's HTTP API, for the calls `verify` makes.
struct Registry<'a> {
    http: reqwest::Client,
    server: &'a str,
}

impl Registry<'_> {
    async fn get(&self, path: &str) -> anyhow::Result<reqwest::Response> {
        let response = self
            .http
            .get(format!("{}{path}", self.server))
            .send()
            .await
            .with_context(|| format!("cannot reach {}", self.server))?;
        refused(response).await
    }

    async fn post_json<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> anyhow::Result<T> {
        let response = self
            .http
            .post(format!("{}{path}", self.server))
            .json(body)
            .send()
            .await
            .with_context(|| format!("cannot reach {}", self.server))?;
        refused(response)
            .await?
            .json()
            .await
            .with_context(|| format!("{} did not answer {path} as a registry does", self.server))
    }
}

/// The response, or its problem's detail as the error when it is not a success.
async fn refused(response: reqwest::Response) -> anyhow::Result<reqwest::Response> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let url = response.url().clone();
    let body = response.text().await.unwrap_or_default();
    let detail = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|problem| problem["detail"].as_str().map(str::to_owned))
        .unwrap_or(body);
    anyhow::bail!("{url} answered {status}: {detail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_is_read_by_its_extension_unless_told() {
        let cases = [
            ("page.html", None, ContentType::Html),
            ("page.HTM", None, ContentType::Html),
            ("notes.md", None, ContentType::Markdown),
            ("release.txt", None, ContentType::Plain),
            ("release", None, ContentType::Plain),
            ("release.txt", Some("text/html"), ContentType::Html),
        ];
        for (file, given, expected) in cases {
            assert_eq!(
                content_type_of(Path::new(file), given).unwrap(),
                expected,
                "{file}"
            );
        }
        assert!(content_type_of(Path::new("x"), Some("application/pdf")).is_err());
        let codes = [Outcome::Verified, Outcome::NotVerified, Outcome::CouldNotCheck].map(Outcome::exit_code);
        assert_eq!(codes, [0, 1, 2]);
    }
}
