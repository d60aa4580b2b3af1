//! Measuring helpers the benchmark examples share: peak memory, folder sizes, percentiles, the
//! settings of a measured service. Each example uses only part of it.
#![allow(dead_code)]

use provenance::config::Settings;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The process's peak resident set size (`VmHWM`), in KiB; 0 where /proc is not available.
pub fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// The bytes of every file under `path`.
pub fn folder_bytes(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| {
                    if e.path().is_dir() {
                        folder_bytes(&e.path())
                    } else {
                        e.metadata().map_or(0, |m| m.len())
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

/// The `p` quantile (0..=1) of `sorted`, nearest rank below.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted
        .get(((sorted.len().max(1) - 1) as f64 * p) as usize)
        .copied()
        .unwrap_or_default()
}

/// The settings of a measured service: a free loopback port, 2 workers, no rate limits, its
/// data in `data_dir`.
pub fn bench_settings(data_dir: PathBuf) -> Settings {
    let mut settings = Settings::new("127.0.0.1:0", data_dir);
    settings.workers = Some(2);
    settings.rate_limit_key = 0;
    settings.rate_limit_ip = 0;
    settings
}
