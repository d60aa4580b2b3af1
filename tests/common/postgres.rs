//! A throwaway PostgreSQL cluster for the tests, one per test process: `initdb` in a
//! temporary folder from the installed server binaries (scripts/setup/70-postgres.sh installs
//! them), started on a free loopback port, and stopped when the test process ends (the
//! watchdog shell around it reads its standard input, a pipe from this process, and stops the
//! server when that closes). Each test gets a database of its own ([`fresh_database`]). As
//! root, the cluster runs as the system user `provenance-test` (PostgreSQL refuses root).
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The user the cluster runs as when the tests run as root.
const TEST_USER: &str = "provenance-test";
/// The cluster's superuser.
const SUPERUSER: &str = "provenance";

pub struct Cluster {
    pub port: u16,
    /// The folder of the cluster's files (removed by the watchdog when it stops the server).
    pub folder: PathBuf,
    bin: PathBuf,
    /// The watchdog: holding its standard input open keeps the server running.
    _watchdog: Mutex<Child>,
}

/// Whether this process runs as root.
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
        .unwrap_or(false)
}

/// The folder of the newest installed PostgreSQL server's binaries.
fn server_binaries() -> PathBuf {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL's server binaries in /usr/lib/postgresql (scripts/setup/70-postgres.sh installs them)")
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let major: u32 = entry.file_name().to_string_lossy().parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((major, bin))
        })
        .collect();
    found.sort();
    found.pop().expect("an initdb under /usr/lib/postgresql/*/bin").1
}

/// `program` with `args`, as the cluster's user.
fn as_cluster_user(program: &std::path::Path, args: &[&str]) -> Command {
    if is_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", TEST_USER, "--"]).arg(program).args(args);
        command
    } else {
        let mut command = Command::new(program);
        command.args(args);
        command
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
        .port()
}

/// The cluster of this test process, started on first use.
pub fn cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(start)
}

fn start() -> Cluster {
    let bin = server_binaries();
    let folder = std::env::temp_dir().join(format!("provenance-pg-{}-{}", std::process::id(), free_port()));
    std::fs::create_dir(&folder).expect("a folder for the test cluster");
    if is_root() {
        let status = Command::new("chown")
            .args([TEST_USER, &folder.display().to_string()])
            .status()
            .expect("chown runs");
        assert!(
            status.success(),
            "cannot give {} to {TEST_USER}",
            folder.display()
        );
    }
    let data = folder.join("data");
    let output = as_cluster_user(
        &bin.join("initdb"),
        &[
            "--pgdata",
            &data.display().to_string(),
            "--username",
            SUPERUSER,
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--no-instructions",
        ],
    )
    .output()
    .expect("initdb runs");
    assert!(
        output.status.success(),
        "initdb failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let port = free_port();
    // The watchdog stops the server (a fast shutdown) and removes its files once its standard
    // input closes, which happens when this process ends, however it ends.
    // pg_ctl stops whichever server holds the files, also one that `restart` started anew.
    let script = r#"
        "$1/postgres" -D "$2" -p "$3" -c listen_addresses=127.0.0.1 -c unix_socket_directories="$4" \
             -c max_connections=300 >"$4/server.log" 2>&1 &
        read _ignored
        "$1/pg_ctl" stop -D "$2" -m fast -w >/dev/null 2>&1
        rm -rf "$4"
    "#;
    let watchdog = as_cluster_user(
        std::path::Path::new("/bin/sh"),
        &[
            "-c",
            script,
            "watchdog",
            &bin.display().to_string(),
            &data.display().to_string(),
            &port.to_string(),
            &folder.display().to_string(),
        ],
    )
    .stdin(Stdio::piped())
    .stdout(Stdio::null())
    .spawn()
    .expect("the test cluster starts");
    let cluster = Cluster {
        port,
        folder,
        bin,
        _watchdog: Mutex::new(watchdog),
    };
    cluster.wait_until_ready();
    cluster
}

impl Cluster {
    fn wait_until_ready(&self) {
        let started = Instant::now();
        while self.psql("postgres", "SELECT 1").is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the test cluster did not start: {}",
                std::fs::read_to_string(self.folder.join("server.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Runs `sql` in `database` with psql; its output, or its error text.
    pub fn psql(&self, database: &str, sql: &str) -> Result<String, String> {
        let output = Command::new("psql")
            .args(["-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1"])
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                SUPERUSER,
                "-d",
                database,
            ])
            .args(["-c", sql])
            .output()
            .map_err(|error| error.to_string())?;
        match output.status.success() {
            true => Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned()),
            false => Err(String::from_utf8_lossy(&output.stderr).into_owned()),
        }
    }

    /// The URL of `database` on this cluster.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://{SUPERUSER}@127.0.0.1:{}/{database}", self.port)
    }

    /// Stops the server now (a fast shutdown) and starts it again on the same port and files:
    /// what a restart of the database does to the nodes using it.
    pub fn restart(&self) {
        let data = self.folder.join("data");
        let pg_ctl = self.bin.join("pg_ctl");
        let status = as_cluster_user(
            &pg_ctl,
            &["restart", "-D", &data.display().to_string(), "-m", "fast", "-w"],
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("pg_ctl runs");
        assert!(status.success(), "the test cluster did not restart");
        self.wait_until_ready();
    }
}

/// A new, empty database on the test cluster; its URL.
pub fn fresh_database() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let cluster = cluster();
    let name = format!("test_{}", NEXT.fetch_add(1, Ordering::Relaxed));
    cluster
        .psql("postgres", &format!("CREATE DATABASE {name}"))
        .unwrap_or_else(|error| panic!("cannot create database {name}: {error}"));
    cluster.url(&name)
}

/// Whether the tests of this process run on PostgreSQL (`PROVENANCE_TEST_STORE=postgres`).
pub fn selected() -> bool {
    std::env::var("PROVENANCE_TEST_STORE").is_ok_and(|store| store == "postgres")
}
