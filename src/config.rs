//! The command line: subcommands, and the settings of `serve` from flags with
//! environment-variable fallbacks.

use clap::{Args, Parser, Subcommand};
use std::path::{Path, PathBuf};

#[derive(Debug, Parser)]
#[command(
    name = "provenance",
    version,
    about = "A verifiable registry of public statements"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP service.
    Serve(Box<Settings>),
    /// Print the OpenAPI document the service serves at /openapi.json.
    Openapi,
    /// Check a stopped data folder: re-hash all content, check every index and the journal.
    /// Exits non-zero when anything is inconsistent.
    Fsck(DataDir),
    /// Write the whole registry (statements and versions with content) as JSON Lines (the
    /// backup `import` reads), or as a WARC/1.1 file for web-archive tools.
    Export {
        #[command(flatten)]
        data: DataDir,
        /// File to write; standard output when absent.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// `jsonl`: the backup format; `warc`: gzipped WARC/1.1 (a record per gzip member), each
        /// version's exact bytes with its proof bundle.
        #[arg(long, value_enum, default_value_t = ExportFormat::Jsonl)]
        format: ExportFormat,
    },
    /// Check a copy of a statement: ask a registry what it says of it (POST /v1/verify), then
    /// verify every match's proof bundle with the log's key. Exit code: 0 found and every proof
    /// verifies, 1 not in the registry or a proof fails, 2 could not check (unreadable file,
    /// bad key, server unreachable or refusing).
    Verify {
        /// The copy to check.
        file: PathBuf,
        /// The registry's address.
        #[arg(long, env = "PROVENANCE_SERVER", default_value = "http://127.0.0.1:8080")]
        server: String,
        /// The log's verifier key (name+id+base64), pinned; without it the server's own key is used.
        #[arg(long, env = "PROVENANCE_LOG_KEY")]
        key: Option<String>,
        /// How to read the copy: text/plain, text/html or text/markdown (default: by the file's
        /// extension, .html/.htm and .md/.markdown, else text/plain).
        #[arg(long)]
        content_type: Option<String>,
        /// Print the result as one JSON object (outcome, verdict, statements, every match
        /// checked), for scripts; the exit code is the same.
        #[arg(long)]
        json: bool,
    },
    /// Verify a proof bundle offline (from GET /v1/statements/ID/versions/N/proof). Exit code:
    /// 0 verified, 1 it does not verify, 2 could not check (unreadable file or key).
    VerifyBundle {
        /// The bundle (JSON).
        bundle: PathBuf,
        /// The log's verifier key (name+id+base64).
        #[arg(long, env = "PROVENANCE_LOG_KEY")]
        key: String,
        /// A copy of the text, whose hash must be the version's.
        #[arg(long)]
        content: Option<PathBuf>,
    },
    /// Manage API keys: through a running service with `--server` and an admin key (the
    /// service writes its first admin key to DATA_DIR/admin-key), or on a stopped data folder.
    Keys {
        #[command(subcommand)]
        action: KeysAction,
        #[command(flatten)]
        target: KeysTarget,
    },
    /// Ingest the captures of WARC files into a running registry (POST /v1/statements/batch), in
    /// capture-date order: HTTP 2xx `response` and `resource` records of text/html,
    /// application/xhtml+xml, text/plain or text/markdown; others are skipped and counted.
    /// Importing a file again creates nothing.
    ImportWarc {
        /// WARC files, gzipped (.warc.gz) or not.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The registry's address.
        #[arg(long, env = "PROVENANCE_SERVER", default_value = "http://127.0.0.1:8080")]
        server: String,
        /// A writer (or admin) key.
        #[arg(long, env = "PROVENANCE_API_KEY")]
        key: String,
    },
    /// Load an export into a new, empty data folder, verifying every hash and version.
    Import {
        #[command(flatten)]
        data: DataDir,
        /// The export file; `-` for standard input.
        input: PathBuf,
    },
}

/// The formats of `export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// JSON Lines, `provenance-export/1`: what `import` loads.
    Jsonl,
    /// Gzipped WARC/1.1.
    Warc,
}

/// What `keys` does.
#[derive(Debug, Subcommand)]
pub enum KeysAction {
    /// Create a key and print its token (shown this once).
    Create {
        /// 1 to 64 characters of a-z, 0-9, '.', '_', '-'.
        #[arg(long)]
        name: String,
        /// reader, writer or admin.
        #[arg(long)]
        role: String,
    },
    /// List keys: names, roles, creation, last-use and revocation times, never secrets.
    List,
    /// Revoke a key; it is refused from the next request on.
    Revoke {
        /// The key's name.
        name: String,
    },
}

/// Where `keys` works: a running service (`--server` with `--admin-key`), or a stopped data folder.
#[derive(Debug, Clone, Args)]
pub struct KeysTarget {
    /// A running service's address; without it, the command opens the data folder itself.
    #[arg(long, global = true)]
    pub server: Option<String>,
    /// An admin key for `--server`.
    #[arg(long, global = true, env = "PROVENANCE_ADMIN_KEY")]
    pub admin_key: Option<String>,
    #[command(flatten)]
    pub data: DataDir,
}

/// Where the registry's rows are kept (`--store`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreAt {
    /// sled, in this folder (which is then the data folder too).
    Sled(PathBuf),
    /// A PostgreSQL database, by its `postgres://` URL, shared by every node given it.
    Postgres(String),
}

impl std::str::FromStr for StoreAt {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        if let Some(folder) = text.strip_prefix("sled:").filter(|folder| !folder.is_empty()) {
            return Ok(StoreAt::Sled(PathBuf::from(folder)));
        }
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return Ok(StoreAt::Postgres(text.to_owned()));
        }
        Err("is neither sled:FOLDER nor a postgres:// URL".to_owned())
    }
}

/// The data folder and the database of `--data-dir` and `--store`: `sled:DIR` makes `DIR` the
/// data folder; a database keeps the rows, and the data folder the node's own files.
fn resolve(data_dir: &Path, store: Option<&StoreAt>) -> (PathBuf, Option<String>) {
    match store {
        Some(StoreAt::Sled(folder)) => (folder.clone(), None),
        Some(StoreAt::Postgres(url)) => (data_dir.to_owned(), Some(url.clone())),
        None => (data_dir.to_owned(), None),
    }
}

/// The data folder an offline command works on. The service must not be running on it.
#[derive(Debug, Clone, Args)]
pub struct DataDir {
    /// Folder of the sled store; with a database (--store postgres://…), of this node's own
    /// files (the signing key, the checkpoint witness, the first admin key).
    #[arg(long, global = true, env = "PROVENANCE_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Where the registry's rows are: sled:FOLDER (the default, sled in --data-dir) or a
    /// PostgreSQL database's postgres:// URL.
    #[arg(long, global = true, env = "PROVENANCE_STORE")]
    pub store: Option<StoreAt>,
    #[command(flatten)]
    pub log: LogSettings,
}

/// Settings of the service.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Address to listen on (use port 0 for any free port).
    #[arg(long, env = "PROVENANCE_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Folder of the sled store, created when missing; with a database (--store
    /// postgres://…), of this node's own files (the signing key, the checkpoint witness, the
    /// first admin key).
    #[arg(long, env = "PROVENANCE_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Where the registry's rows are: sled:FOLDER (the default, sled in --data-dir) or a
    /// PostgreSQL database's postgres:// URL, which several nodes may share.
    #[arg(long, env = "PROVENANCE_STORE")]
    pub store: Option<StoreAt>,
    /// Largest request body accepted, in bytes; larger ones get 413.
    #[arg(long, env = "PROVENANCE_MAX_BODY_BYTES", default_value_t = 4 * 1024 * 1024)]
    pub max_body_bytes: usize,
    /// Writes are refused (507) while the data folder's disk has fewer free bytes than this,
    /// so that reads keep working when the disk fills up.
    #[arg(long, env = "PROVENANCE_MIN_FREE_BYTES", default_value_t = 64 * 1024 * 1024)]
    pub min_free_bytes: u64,
    /// Versions the passage index collects in memory before writing them as a segment file
    /// (a larger number means fewer, larger files; what is in memory is rebuilt from the
    /// content at start).
    #[arg(long, env = "PROVENANCE_PASSAGE_SEGMENT_VERSIONS", default_value_t = crate::store::DEFAULT_SEGMENT_VERSIONS,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub passage_segment_versions: u64,
    /// The most memory sled's page cache may take, in bytes.
    #[arg(long, env = "PROVENANCE_CACHE_BYTES", default_value_t = crate::store::DEFAULT_CACHE_BYTES)]
    pub cache_bytes: u64,
    /// Number of HTTP worker threads (default: one per CPU core).
    #[arg(long, env = "PROVENANCE_WORKERS")]
    pub workers: Option<usize>,
    /// Require an API key (any role) for reads too, for private deployments.
    #[arg(long, env = "PROVENANCE_READS_NEED_KEY")]
    pub reads_need_key: bool,
    /// Requests per second allowed to each API key (bursts of twice that); 0 for no limit.
    #[arg(long, env = "PROVENANCE_RATE_LIMIT_KEY", default_value_t = 200)]
    pub rate_limit_key: u32,
    /// Requests per second allowed to each client address without a key; 0 for no limit.
    #[arg(long, env = "PROVENANCE_RATE_LIMIT_IP", default_value_t = 50)]
    pub rate_limit_ip: u32,
    /// Browser origins allowed to call the API (CORS), comma-separated; none by default.
    #[arg(long = "cors-origin", env = "PROVENANCE_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,
    /// Seconds a client has to send a request's head before it is cut off.
    #[arg(long, env = "PROVENANCE_HEAD_TIMEOUT", default_value_t = 5)]
    pub head_timeout_secs: u64,
    /// Seconds a client has to send a request's body before it gets 408.
    #[arg(long, env = "PROVENANCE_BODY_TIMEOUT", default_value_t = 30)]
    pub body_timeout_secs: u64,
    /// Seconds an idle keep-alive connection stays open.
    #[arg(long, env = "PROVENANCE_KEEP_ALIVE", default_value_t = 15)]
    pub keep_alive_secs: u64,
    /// Do not create the first admin key at start. By default, a service whose registry has no
    /// live admin key creates one, named `admin`, and writes its token once to `admin-key` in
    /// the data folder (mode 0600).
    #[arg(long, env = "PROVENANCE_NO_ADMIN_KEY_FILE")]
    pub no_admin_key_file: bool,
    #[command(flatten)]
    pub log: LogSettings,
    #[command(flatten)]
    pub fetch: FetchSettings,
    #[command(flatten)]
    pub watch: WatchSettings,
    #[command(flatten)]
    pub webhook: WebhookSettings,
    /// The service's public base URL (`https://registry.example.org`), for the absolute links
    /// of webhook payloads; by default `http://` and the address it listens on.
    #[arg(long, env = "PROVENANCE_PUBLIC_URL")]
    pub public_url: Option<String>,
}

/// How the service reaches out to other servers: watched sources and webhook endpoints.
#[derive(Debug, Clone, Args)]
pub struct FetchSettings {
    /// UNSAFE on a public deployment: let watched-source fetches and webhook deliveries reach
    /// loopback, private, link-local and every other non-public address. Without it they
    /// reach public addresses only; with it, anyone with a writer key can make the service
    /// request addresses of its own network.
    #[arg(long, env = "PROVENANCE_FETCH_ALLOW_PRIVATE")]
    pub fetch_allow_private: bool,
    /// Non-public addresses fetches and webhook deliveries may reach all the same
    /// (comma-separated), e.g. an internal receiver; every other non-public address stays refused.
    #[arg(
        long = "fetch-allow-address",
        env = "PROVENANCE_FETCH_ALLOW_ADDRESSES",
        value_delimiter = ','
    )]
    pub fetch_allow_addresses: Vec<std::net::IpAddr>,
    /// Where the operator can be reached (a URL), sent in the `User-Agent` of every fetch.
    #[arg(long, env = "PROVENANCE_OPERATOR_CONTACT")]
    pub operator_contact: Option<String>,
    /// Seconds a fetch may take to connect.
    #[arg(long, env = "PROVENANCE_FETCH_CONNECT_TIMEOUT", default_value_t = 10)]
    pub fetch_connect_timeout_secs: u64,
    /// Seconds a fetch may wait for the next bytes of a response.
    #[arg(long, env = "PROVENANCE_FETCH_READ_TIMEOUT", default_value_t = 30)]
    pub fetch_read_timeout_secs: u64,
    /// Largest body a fetch reads, in bytes; a larger one is an error observation.
    #[arg(long, env = "PROVENANCE_FETCH_MAX_BODY_BYTES", default_value_t = 4 * 1024 * 1024)]
    pub fetch_max_body_bytes: usize,
}

impl Default for FetchSettings {
    fn default() -> Self {
        Self {
            fetch_allow_private: false,
            fetch_allow_addresses: Vec::new(),
            operator_contact: None,
            fetch_connect_timeout_secs: 10,
            fetch_read_timeout_secs: 30,
            fetch_max_body_bytes: 4 * 1024 * 1024,
        }
    }
}

impl FetchSettings {
    /// The outbound client's settings.
    pub fn outbound(&self) -> crate::outbound::OutboundSettings {
        let policy = crate::outbound::AddressPolicy {
            allow_private: self.fetch_allow_private,
            allowed: self.fetch_allow_addresses.clone(),
        };
        let mut settings = crate::outbound::OutboundSettings::new(
            policy,
            crate::outbound::user_agent(self.operator_contact.as_deref()),
        );
        settings.connect_timeout = std::time::Duration::from_secs(self.fetch_connect_timeout_secs);
        settings.read_timeout = std::time::Duration::from_secs(self.fetch_read_timeout_secs);
        settings.deadline = settings.connect_timeout + 2 * settings.read_timeout;
        settings.max_body_bytes = self.fetch_max_body_bytes;
        settings
    }
}

/// Watched sources: how often and how politely they are fetched.
#[derive(Debug, Clone, Args)]
pub struct WatchSettings {
    /// The shortest interval a watch may ask for, in seconds.
    #[arg(long, env = "PROVENANCE_WATCH_MIN_INTERVAL", default_value_t = 300,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub watch_min_interval_secs: u64,
    /// The most watches one API key may have.
    #[arg(long, env = "PROVENANCE_WATCH_MAX_PER_KEY", default_value_t = 1000)]
    pub watch_max_per_key: usize,
    /// Milliseconds between the end of one request to a host and the start of the next.
    #[arg(long, env = "PROVENANCE_WATCH_HOST_DELAY_MS", default_value_t = 2000)]
    pub watch_host_delay_ms: u64,
    /// Consecutive 404/410 answers or resolution failures after which a source is withdrawn.
    #[arg(long, env = "PROVENANCE_WATCH_WITHDRAW_AFTER", default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub watch_withdraw_after: u32,
    /// Fetch watched sources even where their site's robots.txt disallows it.
    #[arg(long, env = "PROVENANCE_WATCH_IGNORE_ROBOTS")]
    pub watch_ignore_robots: bool,
}

impl Default for WatchSettings {
    fn default() -> Self {
        Self {
            watch_min_interval_secs: 300,
            watch_max_per_key: 1000,
            watch_host_delay_ms: 2000,
            watch_withdraw_after: 3,
            watch_ignore_robots: false,
        }
    }
}

/// Webhook deliveries: how long and how often they are retried.
#[derive(Debug, Clone, Args)]
pub struct WebhookSettings {
    /// Seconds a delivery is retried for before it is given up; an endpoint whose every
    /// delivery failed for this long is disabled.
    #[arg(long, env = "PROVENANCE_WEBHOOK_RETRY_WINDOW", default_value_t = 86_400,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub webhook_retry_window_secs: u64,
    /// Milliseconds before the first retry; each further retry waits twice as long (at most
    /// an hour), give or take a quarter.
    #[arg(long, env = "PROVENANCE_WEBHOOK_RETRY_BASE_MS", default_value_t = 5000,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub webhook_retry_base_ms: u64,
    /// Seconds one delivery may take (connecting included) before it counts as failed.
    #[arg(long, env = "PROVENANCE_WEBHOOK_TIMEOUT", default_value_t = 15,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub webhook_timeout_secs: u64,
    /// Deliveries made at once, to all endpoints together.
    #[arg(long, env = "PROVENANCE_WEBHOOK_CONCURRENCY", default_value_t = 8,
          value_parser = clap::value_parser!(u64).range(1..=256))]
    pub webhook_concurrency: u64,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            webhook_retry_window_secs: 86_400,
            webhook_retry_base_ms: 5000,
            webhook_timeout_secs: 15,
            webhook_concurrency: 8,
        }
    }
}

impl WebhookSettings {
    /// The outbound client's settings for deliveries: the fetcher's address policy and
    /// `User-Agent`, this timeout, and answers read up to 64 KiB.
    pub fn outbound(&self, fetch: &FetchSettings) -> crate::outbound::OutboundSettings {
        let mut settings = fetch.outbound();
        let timeout = std::time::Duration::from_secs(self.webhook_timeout_secs);
        settings.connect_timeout = settings.connect_timeout.min(timeout);
        settings.read_timeout = timeout;
        settings.deadline = timeout;
        settings.max_body_bytes = 64 * 1024;
        settings.max_redirects = 0;
        settings
    }
}

/// The transparency log's identity.
#[derive(Debug, Clone, Args)]
pub struct LogSettings {
    /// The log's origin: the first line of its checkpoints and the name of its key.
    #[arg(long, global = true, env = "PROVENANCE_LOG_ORIGIN", default_value = DEFAULT_ORIGIN)]
    pub log_origin: String,
    /// The signing key file (created on first start when absent); default: log-signing.key
    /// in the data folder.
    #[arg(long, global = true, env = "PROVENANCE_SIGNING_KEY")]
    pub signing_key: Option<PathBuf>,
    /// Use a signing key file that the group or others may read (with a warning) instead of
    /// refusing to start: for a key on a volume whose permissions you do not control.
    #[arg(long, global = true, env = "PROVENANCE_ALLOW_READABLE_SIGNING_KEY")]
    pub allow_readable_signing_key: bool,
}

/// The origin of a log whose operator names none.
pub const DEFAULT_ORIGIN: &str = "provenance.localhost/log";

/// The key file's name in the data folder when `--signing-key` is not given.
pub const DEFAULT_KEY_FILE: &str = "log-signing.key";

/// The file in the data folder that holds the first admin key's token, written once by `serve`.
pub const ADMIN_KEY_FILE: &str = "admin-key";

impl LogSettings {
    /// Where the signing key of the store in `data_dir` is kept.
    pub fn key_path(&self, data_dir: &Path) -> PathBuf {
        self.signing_key
            .clone()
            .unwrap_or_else(|| data_dir.join(DEFAULT_KEY_FILE))
    }

    /// Whether a signing key others may read is used.
    pub fn exposure(&self) -> crate::log::keyfile::Exposure {
        if self.allow_readable_signing_key {
            crate::log::keyfile::Exposure::Allowed
        } else {
            crate::log::keyfile::Exposure::Refused
        }
    }
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            log_origin: DEFAULT_ORIGIN.to_owned(),
            signing_key: None,
            allow_readable_signing_key: false,
        }
    }
}

impl DataDir {
    /// The data folder and the database (`None` for sled in that folder).
    pub fn resolved(&self) -> (PathBuf, Option<String>) {
        resolve(&self.data_dir, self.store.as_ref())
    }
}

impl Settings {
    /// The data folder and the database (`None` for sled in that folder).
    pub fn resolved(&self) -> (PathBuf, Option<String>) {
        resolve(&self.data_dir, self.store.as_ref())
    }

    /// Settings for a service on `bind` keeping its data in `data_dir`, other values default.
    pub fn new(bind: impl Into<String>, data_dir: impl Into<PathBuf>) -> Self {
        Self {
            bind: bind.into(),
            data_dir: data_dir.into(),
            store: None,
            max_body_bytes: 4 * 1024 * 1024,
            min_free_bytes: 64 * 1024 * 1024,
            passage_segment_versions: crate::store::DEFAULT_SEGMENT_VERSIONS,
            cache_bytes: crate::store::DEFAULT_CACHE_BYTES,
            workers: None,
            reads_need_key: false,
            rate_limit_key: 200,
            rate_limit_ip: 50,
            cors_origins: Vec::new(),
            head_timeout_secs: 5,
            body_timeout_secs: 30,
            keep_alive_secs: 15,
            no_admin_key_file: false,
            log: LogSettings::default(),
            fetch: FetchSettings::default(),
            watch: WatchSettings::default(),
            webhook: WebhookSettings::default(),
            public_url: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn serve_defaults_match_the_readme() {
        let cli = Cli::try_parse_from(["provenance", "serve"]).unwrap();
        let Command::Serve(settings) = cli.command else {
            panic!("expected serve")
        };
        assert_eq!(settings.max_body_bytes, Settings::new("x", "y").max_body_bytes);
        if std::env::var_os("PROVENANCE_BIND").is_none() {
            assert_eq!(settings.bind, "127.0.0.1:8080");
        }
    }
}
