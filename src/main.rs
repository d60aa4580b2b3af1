//! The `provenance` command: parse the command line, then run what it names.

use anyhow::Context;
use clap::Parser;
use provenance::cli;
use provenance::config::{Cli, Command, ExportFormat};
use provenance::startup::Application;
use std::io::{BufReader, IsTerminal, Write};
use std::process::ExitCode;

#[actix_web::main]
async fn main() -> ExitCode {
    let command = Cli::parse().command;
    init_logging(if matches!(command, Command::Serve(_)) {
        "info"
    } else {
        "warn"
    });
    match run(command).await {
        Ok(code) => ExitCode::from(code),
        // The reader of the output left (`provenance openapi | head`): nothing went wrong.
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("Error: {error:?}");
            ExitCode::FAILURE
        }
    }
}

/// Runs `command`; returns its exit code.
async fn run(command: Command) -> anyhow::Result<u8> {
    let mut stdout = std::io::stdout();
    match command {
        Command::Serve(settings) => {
            let app = Application::build(&settings)?;
            app.stop_on_signals()?;
            let host = settings
                .bind
                .rsplit_once(':')
                .map_or(settings.bind.as_str(), |(host, _)| host);
            tracing::info!(data_dir = %settings.data_dir.display(), "listening on http://{host}:{}", app.port());
            app.run_until_stopped().await?;
        }
        Command::Openapi => stdout.write_all(provenance::api::openapi_json().as_bytes())?,
        Command::Fsck(data) => {
            if !cli::fsck(&data, &mut stdout)? {
                return Ok(1);
            }
        }
        Command::Export { data, output, format } => {
            let mut out: Box<dyn Write> = match &output {
                Some(path) => Box::new(
                    std::fs::File::create(path)
                        .with_context(|| format!("cannot create {}", path.display()))?,
                ),
                None => Box::new(stdout),
            };
            let mut out = std::io::BufWriter::new(&mut out);
            let count = match format {
                ExportFormat::Jsonl => cli::export(&data, &mut out)?,
                ExportFormat::Warc => {
                    let filename = output
                        .as_deref()
                        .and_then(|path| path.file_name())
                        .map(|name| name.to_string_lossy());
                    cli::export_warc(&data, filename.as_deref(), &mut out)?
                }
            };
            eprintln!("exported {count} versions");
        }
        Command::Verify {
            file,
            server,
            key,
            content_type,
            json,
        } => {
            let report = cli::verify_file(&file, &server, key.as_deref(), content_type.as_deref()).await;
            if json {
                serde_json::to_writer_pretty(&mut stdout, &report)?;
                writeln!(stdout)?;
            } else {
                report.write_text(&mut stdout)?;
            }
            return Ok(report.outcome.exit_code());
        }
        Command::VerifyBundle { bundle, key, content } => {
            return Ok(cli::verify_bundle(&bundle, &key, content.as_deref(), &mut stdout)?.exit_code());
        }
        Command::Keys { action, target } => cli::keys(&action, &target, &mut stdout).await?,
        Command::ImportWarc { files, server, key } => {
            cli::import_warc(&files, &server, &key)
                .await?
                .write_text(&mut stdout)?;
        }
        Command::Import { data, input } => {
            let count = if input.as_os_str() == "-" {
                cli::import(&data, std::io::stdin().lock())?
            } else {
                let file = std::fs::File::open(&input)
                    .with_context(|| format!("cannot open {}", input.display()))?;
                cli::import(&data, BufReader::new(file))?
            };
            let (data_dir, postgres) = data.resolved();
            let place = postgres.map_or_else(
                || data_dir.display().to_string(),
                |url| provenance::store::redacted(&url),
            );
            eprintln!("imported {count} versions into {place}");
        }
    }
    Ok(0)
}

/// Whether `error` is a write to a pipe whose reader has gone.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Logs to stderr, filtered by `PROVENANCE_LOG` (`default` when unset).
fn init_logging(default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("PROVENANCE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}
