//! The `provenance` command: parse the command line, then run what it names.

use clap::Parser;
use provenance::config::{Cli, Command};
use provenance::startup::Application;
use std::io::IsTerminal;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(settings) => {
            tracing_subscriber::fmt()
                .with_env_filter(
                    tracing_subscriber::EnvFilter::try_from_env("PROVENANCE_LOG")
                        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
                )
                .with_writer(std::io::stderr)
                .with_ansi(std::io::stderr().is_terminal())
                .init();
            let app = Application::build(&settings)?;
            tracing::info!(data_dir = %settings.data_dir.display(), "listening on http://{}:{}", bind_host(&settings.bind), app.port());
            app.run_until_stopped().await
        }
        Command::Openapi => {
            print!("{}", provenance::api::openapi_json());
            Ok(())
        }
    }
}

fn bind_host(bind: &str) -> &str {
    bind.rsplit_once(':').map_or(bind, |(host, _)| host)
}
