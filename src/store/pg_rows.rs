//! The shared backend: the registry's rows in a PostgreSQL database that any number of
//! `provenance serve` processes use at once. Its schema is versioned ([`MIGRATIONS`], applied
//! in order when a node opens the database); the rows are those of the embedded store, one
//! `registry(key, value)` row per key, so every index, proof and check is the same code on both
//! backends.
//!
//! # How it keeps the guarantees of [`super::rows`]
//! 1. A batch is one transaction: its upserts and deletes, two statements, committed together.
//! 2. Reads are `key`-ordered range queries on the primary key, paged (`bytea` compares
//!    bytewise, as sled's keys do).
//! 3. A [`Lock`] is a row of `provenance_locks`, taken with `SELECT … FOR UPDATE` in the
//!    transaction that holds the writer's reads and batches: another node's writer waits for
//!    the commit, and then reads what it committed. Commit and lock release are one step.
//! 4. A batch is durable when its transaction commits (PostgreSQL's `synchronous_commit`, on by
//!    default), so [`Backend::flush`] has nothing to do. A commit whose answer is lost (a
//!    dropped connection) leaves the outcome unknown: the ingest reports an error, and sending
//!    it again is safe (a repeat of the latest version is answered 200 with that version).
//! 5. Ids come from the sequence `provenance_ids`, drawn in the writer's transaction.
//!
//! The driver is tokio-postgres, with deadpool-postgres's pool, on a runtime of the store's
//! own: connections are made and driven there, and each call of the (synchronous) store waits
//! for its query's answer without entering any runtime, so it is as safe to call from the
//! blocking pool as sled is.
//!
//! Portability: the SQL is plain PostgreSQL (`bytea` keys, `unnest` of arrays, `ON CONFLICT`,
//! `FOR UPDATE`, a sequence), which CockroachDB and YugabyteDB accept too; the migration lock
//! (`LOCK TABLE`) is the exception on CockroachDB, where migrations should be run by one node.

use std::collections::VecDeque;
use std::future::Future;

use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod};
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use tokio_postgres::{NoTls, Row};

use super::rows::{Backend, Batch, Entries, Entry, Lock, Reader, Txn};
use super::StoreError;

/// The schema, one migration per step, applied in order; the position of each (from 1) is
/// its version, recorded in `provenance_schema`. Never edit a migration that has shipped: add
/// the next one.
pub const MIGRATIONS: &[(&str, &str)] = &[("registry", include_str!("pg_migrations/0001_registry.sql"))];

/// The most connections one node opens.
const POOL_SIZE: usize = 16;

/// How long a store call waits for a free connection, and for a new one, before it fails as
/// unavailable (a 503 to a client) instead of waiting on.
const POOL_WAIT: std::time::Duration = std::time::Duration::from_secs(30);
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Rows fetched by the first page of a range; each further page is four times larger, up to
/// [`MAX_PAGE`]: most walks stop after a few entries, a few read millions.
const FIRST_PAGE: i64 = 16;
const MAX_PAGE: i64 = 1024;

pub struct PgRows {
    /// Drives the connections; shut down without waiting when the store closes (which may
    /// happen on an async worker, where a runtime cannot be dropped the usual way).
    runtime: Option<tokio::runtime::Runtime>,
    pool: Pool,
    /// One mutex per [`Lock`]: this node's writers queue here, not on the database, so that
    /// at most one connection per lock waits for its row, and the pool always has
    /// connections for the reads a lock holder's work makes outside its transaction.
    locks: [std::sync::Mutex<()>; 4],
}

impl From<tokio_postgres::Error> for StoreError {
    /// PostgreSQL's failures, classified: a full disk, corruption it reports, a lost
    /// connection or a transaction it asks to retry (unavailable), and the rest (SQL this build
    /// got wrong, a schema it does not expect) as a bug.
    fn from(error: tokio_postgres::Error) -> Self {
        let text = format!("postgres: {error}");
        match error.code() {
            Some(code) if *code == SqlState::DISK_FULL || *code == SqlState::OUT_OF_MEMORY => {
                StoreError::Full(text)
            }
            Some(code) if *code == SqlState::DATA_CORRUPTED || *code == SqlState::INDEX_CORRUPTED => {
                StoreError::Corrupt(text)
            }
            Some(code)
                if *code == SqlState::T_R_SERIALIZATION_FAILURE
                    || *code == SqlState::T_R_DEADLOCK_DETECTED
                    || *code == SqlState::ADMIN_SHUTDOWN
                    || *code == SqlState::CANNOT_CONNECT_NOW
                    || *code == SqlState::TOO_MANY_CONNECTIONS =>
            {
                StoreError::Unavailable(text)
            }
            Some(_) => StoreError::Bug(text),
            None => StoreError::Unavailable(text),
        }
    }
}

/// The database's address without its password, for messages.
pub fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}://…{}", &url[..scheme], &url[at..]),
        _ => url.to_owned(),
    }
}

/// Waits for `future` on this thread, outside any runtime: the client's futures only talk to
/// their connection task (on the store's runtime) through channels.
fn wait<T>(future: impl Future<Output = Result<T, tokio_postgres::Error>>) -> Result<T, StoreError> {
    Ok(futures_executor::block_on(future)?)
}

impl PgRows {
    /// Connects to the database at `url` (a `postgres://` URL), applies the migrations it
    /// lacks and checks the registry's format marker, which a new database gets. A database
    /// migrated by a newer build is refused, never misread.
    pub fn open(url: &str) -> Result<Self, StoreError> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|error| StoreError::Incompatible(format!("--store {}: {error}", redacted(url))))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("postgres")
            .enable_all()
            .build()?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .wait_timeout(Some(POOL_WAIT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .recycle_timeout(Some(CONNECT_TIMEOUT))
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .build()
            .map_err(|error| StoreError::Bug(format!("postgres pool: {error}")))?;
        let rows = Self {
            runtime: Some(runtime),
            pool,
            locks: Default::default(),
        };
        rows.migrate().map_err(|error| match error {
            StoreError::Unavailable(text) => {
                StoreError::Unavailable(format!("cannot reach the database {}: {text}", redacted(url)))
            }
            other => other,
        })?;
        super::rows::check_format(&rows, &format!("the database {}", redacted(url)))?;
        Ok(rows)
    }

    /// A connection from the pool, made on the store's runtime when there is none to reuse.
    fn client(&self) -> Result<Object, StoreError> {
        let pool = self.pool.clone();
        let runtime = self
            .runtime
            .as_ref()
            .ok_or_else(|| StoreError::Bug("the postgres runtime is gone".to_owned()))?;
        let got = futures_executor::block_on(runtime.spawn(async move { pool.get().await }))
            .map_err(|error| StoreError::Bug(format!("postgres pool task: {error}")))?;
        got.map_err(|error| StoreError::Unavailable(format!("postgres: {error}")))
    }

    /// Applies the migrations the database lacks, in one transaction under a table lock, so
    /// that nodes starting together migrate once.
    fn migrate(&self) -> Result<(), StoreError> {
        let mut client = self.client()?;
        wait(client.batch_execute(
            "CREATE TABLE IF NOT EXISTS provenance_schema (
                 version integer PRIMARY KEY,
                 name text NOT NULL,
                 applied_at timestamptz NOT NULL DEFAULT now())",
        ))?;
        let transaction = wait(client.transaction())?;
        wait(transaction.batch_execute("LOCK TABLE provenance_schema IN EXCLUSIVE MODE"))?;
        let applied: i32 =
            wait(transaction.query_one("SELECT coalesce(max(version), 0) FROM provenance_schema", &[]))?
                .get(0);
        let known = MIGRATIONS.len() as i32;
        if applied > known {
            return Err(StoreError::Incompatible(format!(
                "the database's schema is at version {applied}, written by a newer build of Provenance; \
                 this build knows versions up to {known} and will not read it"
            )));
        }
        for (version, (name, sql)) in (1..).zip(MIGRATIONS).skip(applied as usize) {
            tracing::info!(version, name, "applying a database migration");
            wait(transaction.batch_execute(sql))?;
            wait(transaction.execute(
                "INSERT INTO provenance_schema (version, name) VALUES ($1, $2)",
                &[&version, name],
            ))?;
        }
        wait(transaction.commit())
    }
}

impl Drop for PgRows {
    fn drop(&mut self) {
        self.pool.close();
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// Runs queries on one connection: a pooled one per call, or the one a lock holds.
trait Session {
    fn query(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>, StoreError>;
}

impl Session for PgRows {
    fn query(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>, StoreError> {
        query_on(&self.client()?, sql, params)
    }
}

fn query_on(client: &Object, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>, StoreError> {
    wait(async {
        let statement = client.prepare_cached(sql).await?;
        client.query(&statement, params).await
    })
}

/// A range walked a page at a time.
struct Pages<'a, S: Session> {
    session: &'a S,
    lower: Vec<u8>,
    upper: Option<Vec<u8>>,
    descending: bool,
    page: i64,
    buffered: VecDeque<Entry>,
    done: bool,
}

impl<'a, S: Session> Pages<'a, S> {
    /// The entries with `start <= key < end`, in the order asked.
    fn walk(session: &'a S, start: &[u8], end: Option<&[u8]>, descending: bool) -> Entries<'a> {
        if end.is_some_and(|end| end <= start) {
            return Box::new(std::iter::empty());
        }
        Box::new(Pages {
            session,
            lower: start.to_vec(),
            upper: end.map(<[u8]>::to_vec),
            descending,
            page: FIRST_PAGE,
            buffered: VecDeque::new(),
            done: false,
        })
    }

    fn fetch(&mut self) -> Result<(), StoreError> {
        let order = if self.descending { "DESC" } else { "ASC" };
        let rows = match &self.upper {
            Some(upper) => self.session.query(
                &format!(
                    "SELECT key, value FROM registry WHERE key >= $1 AND key < $2 ORDER BY key {order} LIMIT $3"
                ),
                &[&self.lower, upper, &self.page],
            )?,
            None => self.session.query(
                &format!("SELECT key, value FROM registry WHERE key >= $1 ORDER BY key {order} LIMIT $2"),
                &[&self.lower, &self.page],
            )?,
        };
        self.done = (rows.len() as i64) < self.page;
        self.page = (self.page * 4).min(MAX_PAGE);
        self.buffered.extend(
            rows.iter()
                .map(|row| (row.get::<_, Vec<u8>>(0), row.get::<_, Vec<u8>>(1))),
        );
        if let Some((last, _)) = self.buffered.back() {
            match self.descending {
                // The next page ends just before the last key read.
                true => self.upper = Some(last.clone()),
                // …or starts just after it: the least key greater than `last`.
                false => self.lower = [last.as_slice(), &[0]].concat(),
            }
        }
        Ok(())
    }
}

impl<S: Session> Iterator for Pages<'_, S> {
    type Item = Result<Entry, StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.buffered.is_empty() && !self.done {
            if let Err(error) = self.fetch() {
                self.done = true;
                return Some(Err(error));
            }
        }
        self.buffered.pop_front().map(Ok)
    }
}

/// Every connection reads the same way: a pooled one per query, or the one a lock holds.
impl<S: Session> Reader for S {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        let rows = self.query("SELECT value FROM registry WHERE key = $1", &[&key])?;
        Ok(rows.first().map(|row| row.get(0)))
    }

    fn range<'a>(&'a self, start: &[u8], end: Option<&[u8]>) -> Entries<'a> {
        Pages::walk(self, start, end, false)
    }

    fn range_rev<'a>(&'a self, start: &[u8], end: Option<&[u8]>) -> Entries<'a> {
        Pages::walk(self, start, end, true)
    }
}

/// Applies `batch` on `client`, inside a transaction the caller holds.
fn apply_on(client: &Object, batch: Batch) -> Result<(), StoreError> {
    let (mut keys, mut values, mut removed) = (Vec::new(), Vec::new(), Vec::new());
    for (key, value) in batch.into_writes() {
        match value {
            Some(value) => {
                keys.push(key);
                values.push(value);
            }
            None => removed.push(key),
        }
    }
    if !keys.is_empty() {
        query_on(
            client,
            "INSERT INTO registry (key, value) SELECT * FROM unnest($1::bytea[], $2::bytea[]) \
             ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            &[&keys, &values],
        )?;
    }
    if !removed.is_empty() {
        query_on(
            client,
            "DELETE FROM registry WHERE key = ANY($1::bytea[])",
            &[&removed],
        )?;
    }
    Ok(())
}

/// A writer's transaction, holding one of the lock rows.
struct PgTxn {
    client: Object,
}

impl Session for PgTxn {
    fn query(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>, StoreError> {
        query_on(&self.client, sql, params)
    }
}

impl Txn for PgTxn {
    fn apply(&self, batch: Batch) -> Result<(), StoreError> {
        apply_on(&self.client, batch)
    }

    fn generate_id(&self) -> Result<u64, StoreError> {
        next_id(self)
    }
}

/// The next number of the id sequence (not rolled back with a transaction: a number is never
/// given twice).
fn next_id(session: &PgTxn) -> Result<u64, StoreError> {
    let rows = session.query("SELECT nextval('provenance_ids')", &[])?;
    let id: i64 = rows
        .first()
        .map(|row| row.get(0))
        .ok_or_else(|| StoreError::Bug("nextval returned no row".to_owned()))?;
    u64::try_from(id).map_err(|_| StoreError::Corrupt(format!("the id sequence gave {id}")))
}

impl PgTxn {
    /// Ends the transaction: commits after `outcome` is `Ok`, rolls back otherwise. A
    /// connection that cannot even roll back is closed rather than returned to the pool.
    fn finish(self, outcome: Result<(), StoreError>) -> Result<(), StoreError> {
        match outcome {
            Ok(()) => wait(self.client.batch_execute("COMMIT")),
            Err(error) => {
                if wait(self.client.batch_execute("ROLLBACK")).is_err() {
                    drop(Object::take(self.client));
                }
                Err(error)
            }
        }
    }
}

impl Backend for PgRows {
    fn apply(&self, batch: Batch) -> Result<(), StoreError> {
        let txn = PgTxn {
            client: self.client()?,
        };
        wait(txn.client.batch_execute("BEGIN"))?;
        let outcome = apply_on(&txn.client, batch);
        txn.finish(outcome)
    }

    fn exclusive(
        &self,
        lock: Lock,
        work: &mut dyn FnMut(&dyn Txn) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let _queued = self.locks[lock.index()]
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let txn = PgTxn {
            client: self.client()?,
        };
        wait(txn.client.batch_execute("BEGIN"))?;
        let outcome = txn
            .query(
                "SELECT name FROM provenance_locks WHERE name = $1 FOR UPDATE",
                &[&lock.name()],
            )
            .and_then(|held| match held.len() {
                1 => work(&txn),
                _ => Err(StoreError::Corrupt(format!(
                    "the lock row {:?} is missing",
                    lock.name()
                ))),
            });
        txn.finish(outcome)
    }

    fn flush(&self) -> Result<(), StoreError> {
        Ok(())
    }

    fn reads_are_durable(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_never_reaches_a_message() {
        assert_eq!(
            redacted("postgres://app:secret@db.example:5432/registry"),
            "postgres://…@db.example:5432/registry"
        );
        assert_eq!(
            redacted("postgres://db.example/registry"),
            "postgres://db.example/registry"
        );
    }
}
