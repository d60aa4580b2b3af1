//! The log's page: the latest signed checkpoint, the log's key and size, and how to verify a
//! copy offline with the command line or the Python script.

use actix_web::{HttpRequest, HttpResponse};
use base64::Engine;
use maud::{html, Markup};

use super::layout::{page, utc, Nav};
use super::{ok, Ctx, PageError};
use crate::api::blocking;

/// `GET /log`.
pub async fn log(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, PageError> {
    let store = ctx.store.into_inner();
    let (signed, checkpoint, newest, key) = blocking(move || {
        let (signed, checkpoint) = store.latest_checkpoint()?;
        let newest = store.recent_versions(1)?.pop();
        Ok((signed, checkpoint, newest, store.verifier().encoded()))
    })
    .await?;
    let info = req.connection_info();
    let server = format!("{}://{}", info.scheme(), info.host());
    let root = base64::engine::general_purpose::STANDARD.encode(checkpoint.root);
    let body = html! {
        h1 { "The log" }
        p.lead {
            "Every version the registry records is an entry of an append-only Merkle log (RFC 6962). "
            "The log's state is published as signed checkpoints, so anyone can check, offline, that a "
            "version was recorded and that the registry never rewrote its history."
        }
        dl.facts {
            dt { "Origin" } dd { code { (checkpoint.origin) } }
            dt { "Entries" } dd { (checkpoint.size) }
            dt { "Root hash" } dd { code.whole { (root) } }
            dt { "Newest entry" }
            dd {
                @match &newest {
                    Some(version) => { "recorded " (utc(version.ingested_at)) "; the checkpoint was signed as it was committed" }
                    None => "none yet",
                }
            }
        }
        section aria-labelledby="key-heading" {
            h2 #key-heading { "The log's key" }
            p { "Checkpoints are signed with this Ed25519 key (a C2SP signed-note verifier key). "
                "Pin it once, through a channel you trust, rather than fetching it with every check." }
            p { code #log-key .whole { (key) } }
            p { a href="/v1/log/key" type="text/plain" { "The key as text" } }
        }
        section aria-labelledby="checkpoint-heading" {
            h2 #checkpoint-heading { "The latest checkpoint" }
            pre.checkpoint { (signed) }
            p { a href="/v1/log/checkpoint" type="text/plain" { "The checkpoint as text" } }
        }
        (offline(&server))
    };
    Ok(ok(page("The log", Nav::Log, body)))
}

/// How to verify a copy with nothing but the log's key.
fn offline(server: &str) -> Markup {
    html! {
        section aria-labelledby="offline-heading" {
            h2 #offline-heading { "How to verify offline" }
            p { "Every version's page links to its proof bundle: its record, its log entry, the "
                "entry's inclusion proof and the signed checkpoint it leads to. With the key pinned, "
                "a bundle proves a copy on any computer, without trusting this service." }
            h3 { "With the command line" }
            pre.commands { code {
                "curl -s " (server) "/v1/log/key > log.key      # once, from a source you trust\n"
                "provenance verify copy.txt --server " (server) " --key \"$(cat log.key)\""
            } }
            p { "It hashes your file, asks which versions hold exactly those bytes, and checks each "
                "one's proof against the key; it exits 0 only when every proof verifies." }
            h3 { "With the Python script" }
            pre.commands { code {
                "curl -s " (server) "/v1/statements/ID/versions/N/proof > bundle.json\n"
                "python3 examples/verify_bundle.py bundle.json --key \"$(cat log.key)\" --content copy.txt"
            } }
            p { code { "examples/verify_bundle.py" } " rebuilds the log entry from the record, checks the "
                "checkpoint's signature and the inclusion proof, and compares your copy's SHA-256, in "
                "about 150 lines of standard Python and the " code { "cryptography" } " package." }
            p { "A bundle saved as it is can also be checked with "
                code { "provenance verify-bundle bundle.json --key \"$(cat log.key)\" --content copy.txt" } "." }
        }
    }
}
