//! The `provenance` command: parse the command line, then run what it names.

use anyhow::Context;
use clap::Parser;
use provenance::cli;
use provenance::config::{Cli, Command};
use provenance::startup::Application;
use std::io::{BufReader, IsTerminal};
use std::process::ExitCode;

#[actix_web::main]
async fn main() -> anyhow::Result<ExitCode> {
    match Cli::parse().command {
        Command::Serve(settings) => {
            init_logging();
            let app = Application::build(&settings)?;
            app.stop_on_signals()?;
            let host = settings
                .bind
                .rsplit_once(':')
                .map_or(settings.bind.as_str(), |(host, _)| host);
            tracing::info!(data_dir = %settings.data_dir.display(), "listening on http://{host}:{}", app.port());
            app.run_until_stopped().await?;
        }
        Command::Openapi => print!("{}", provenance::api::openapi_json()),
        Command::Fsck(data) => {
            if !cli::fsck(&data.data_dir, &data.log, &mut std::io::stdout())? {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Export { data, output } => {
            let count = match output {
                Some(path) => {
                    let file = std::fs::File::create(&path)
                        .with_context(|| format!("cannot create {}", path.display()))?;
                    cli::export(&data.data_dir, &data.log, &mut std::io::BufWriter::new(file))?
                }
                None => cli::export(
                    &data.data_dir,
                    &data.log,
                    &mut std::io::BufWriter::new(std::io::stdout().lock()),
                )?,
            };
            eprintln!("exported {count} versions");
        }
        Command::Verify { file, server, key } => {
            if let Err(error) = cli::verify_file(&file, &server, key.as_deref(), &mut std::io::stdout()).await
            {
                println!("NOT VERIFIED: {error:#}");
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::VerifyBundle { bundle, key, content } => {
            if let Err(error) = cli::verify_bundle(&bundle, &key, content.as_deref(), &mut std::io::stdout())
            {
                println!("NOT VERIFIED: {error:#}");
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Keys { action, target } => cli::keys(&action, &target, &mut std::io::stdout()).await?,
        Command::Import { data, input } => {
            let count = if input.as_os_str() == "-" {
                cli::import(&data.data_dir, &data.log, std::io::stdin().lock())?
            } else {
                let file = std::fs::File::open(&input)
                    .with_context(|| format!("cannot open {}", input.display()))?;
                cli::import(&data.data_dir, &data.log, BufReader::new(file))?
            };
            eprintln!("imported {count} versions into {}", data.data_dir.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("PROVENANCE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}
