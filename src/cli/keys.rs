//! `provenance keys create|list|revoke`: on a stopped data folder directly, or through a running
//! service's `/v1/keys` with an admin key (sled lets only one process open the folder; a running
//! service made the first admin key at its first start, see `admin-key` in the README). Working
//! on a folder touches only its keys: a new folder gets no log, so the first `serve` still
//! chooses the log's origin and signing key.

use anyhow::{bail, Context};
use chrono::Utc;
use std::io::Write;

use crate::api::model::{CreatedKey, KeyInfo, KeyList};
use crate::config::{KeysAction, KeysTarget, ADMIN_KEY_FILE};
use crate::domain::{KeyName, Role};
use crate::startup::explain_in_use;
use crate::store::{KeyRing, Revocation};

/// Runs a `keys` command; the token of a created key goes to `out` alone on its line.
pub async fn keys(action: &KeysAction, target: &KeysTarget, out: &mut impl Write) -> anyhow::Result<()> {
    match &target.server {
        Some(server) => {
            let admin_key = target
                .admin_key
                .as_deref()
                .context("--server needs --admin-key (or PROVENANCE_ADMIN_KEY)")?;
            remote(action, server.trim_end_matches('/'), admin_key, out).await
        }
        None => local(action, target, out),
    }
}

fn local(action: &KeysAction, target: &KeysTarget, out: &mut impl Write) -> anyhow::Result<()> {
    let (data_dir, postgres) = target.data.resolved();
    let keys = KeyRing::open(&data_dir, postgres.as_deref())
        .with_context(|| format!("cannot open the keys in {}", data_dir.display()))
        .map_err(|error| {
            let what_to_do = format!(
                "manage keys through the running service instead: add --server URL (e.g. --server \
                 http://127.0.0.1:8080) and an admin key (--admin-key or PROVENANCE_ADMIN_KEY); the \
                 service's first admin key is in {}",
                data_dir.join(ADMIN_KEY_FILE).display()
            );
            explain_in_use(error, &what_to_do)
        })?;
    match action {
        KeysAction::Create { name, role } => {
            let name = KeyName::parse("name", name)?;
            let role = Role::parse("role", role)?;
            let (key, token) = keys.create(name, role, Utc::now())?.map_err(anyhow::Error::msg)?;
            print_created(
                &CreatedKey {
                    key: KeyInfo::from(&key),
                    token,
                },
                out,
            )
        }
        KeysAction::List => print_list(&keys.list()?.iter().map(KeyInfo::from).collect::<Vec<_>>(), out),
        KeysAction::Revoke { name } => {
            let name = KeyName::parse("name", name)?;
            match keys.revoke(&name, Utc::now())? {
                Revocation::Revoked(key) => print_list(&[KeyInfo::from(&key)], out),
                Revocation::Unknown => bail!("no key is named {name}"),
                Revocation::LastAdmin(_) => bail!("{}", Revocation::last_admin_refusal(&name)),
            }
        }
    }
}

async fn remote(
    action: &KeysAction,
    server: &str,
    admin_key: &str,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let request = match action {
        KeysAction::Create { name, role } => client
            .post(format!("{server}/v1/keys"))
            .json(&serde_json::json!({"name": name, "role": role})),
        KeysAction::List => client.get(format!("{server}/v1/keys")),
        KeysAction::Revoke { name } => client.delete(format!("{server}/v1/keys/{name}")),
    };
    let response = request
        .bearer_auth(admin_key)
        .send()
        .await
        .with_context(|| format!("cannot reach {server}"))?;
    let status = response.status();
    let body = response.text().await?;
    if !status.is_success() {
        let detail = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|problem| problem["detail"].as_str().map(str::to_owned))
            .unwrap_or(body);
        bail!("{status}: {detail}");
    }
    match action {
        KeysAction::Create { .. } => print_created(&serde_json::from_str(&body)?, out),
        KeysAction::List => print_list(&serde_json::from_str::<KeyList>(&body)?.items, out),
        KeysAction::Revoke { .. } => print_list(&[serde_json::from_str::<KeyInfo>(&body)?], out),
    }
}

fn print_created(created: &CreatedKey, out: &mut impl Write) -> anyhow::Result<()> {
    eprintln!(
        "created key {} ({}); its token follows, shown this once: keep it now",
        created.key.name, created.key.role
    );
    writeln!(out, "{}", created.token)?;
    Ok(())
}

fn print_list(keys: &[KeyInfo], out: &mut impl Write) -> anyhow::Result<()> {
    writeln!(
        out,
        "{:<24} {:<7} {:<17} {:<28} {:<28} revoked",
        "name", "role", "key id", "created", "last used"
    )?;
    for key in keys {
        writeln!(
            out,
            "{:<24} {:<7} {:<17} {:<28} {:<28} {}",
            key.name,
            key.role,
            key.key_id,
            key.created_at,
            key.last_used_at.as_deref().unwrap_or("-"),
            key.revoked_at.as_deref().unwrap_or("-")
        )?;
    }
    Ok(())
}
