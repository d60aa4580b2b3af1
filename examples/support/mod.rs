//! Measuring helpers the benchmark examples share: peak memory, folder sizes, percentiles, the
//! settings of a measured service. Each example uses only part of it.
#![allow(dead_code)]

use provenance::config::Settings;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The process's peak resident set size (`VmHWM`), in KiB; 0 where /proc is not available.
pub fn peak_rss_kib() -> u64 {
    status_kib("VmHWM:")
}

/// The process's resident set size now (`VmRSS`), in KiB; 0 where /proc is not available.
pub fn rss_kib() -> u64 {
    status_kib("VmRSS:")
}

/// A `/proc/self/status` figure in KiB.
fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// The CPU time the process has used so far (user and system, all threads), from
/// `/proc/self/stat` in clock ticks of 1/100 s (Linux's `USER_HZ`); 0 where /proc is not
/// available.
pub fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|stat| {
            // The fields after the command name, which is in parentheses and may hold spaces.
            let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
            let ticks = |n: usize| fields.get(n)?.parse::<u64>().ok();
            // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
            Some((ticks(11)? + ticks(12)?) as f64 / 100.0)
        })
        .unwrap_or(0.0)
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
