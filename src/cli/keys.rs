//! `provenance keys create|list|revoke`: on a stopped data folder directly (how the first admin
//! key is made), or through a running service's `/v1/keys` with an admin key (sled lets only one
//! process open the folder).

use anyhow::{bail, Context};
use chrono::Utc;
use std::io::Write;

use crate::api::model::{CreatedKey, KeyInfo, KeyList};
use crate::config::{KeysAction, KeysTarget};
use crate::domain::{KeyName, Role};
use crate::startup::{open_store, KeyUse};

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
    let store = open_store(&target.data.data_dir, &target.data.log, KeyUse::CreateIfMissing)
        .context("cannot open the data folder (if the service is running, use --server with an admin key)")?;
    match action {
        KeysAction::Create { name, role } => {
            let name = KeyName::parse("name", name)?;
            let role = Role::parse("role", role)?;
            let (key, token) = store
                .create_key(name, role, Utc::now())?
                .map_err(anyhow::Error::msg)?;
            print_created(
                &CreatedKey {
                    key: KeyInfo::from(&key),
                    token,
                },
                out,
            )
        }
        KeysAction::List => print_list(
            &store.api_keys()?.iter().map(KeyInfo::from).collect::<Vec<_>>(),
            out,
        ),
        KeysAction::Revoke { name } => {
            let name = KeyName::parse("name", name)?;
            let key = store
                .revoke_key(&name, Utc::now())?
                .with_context(|| format!("no key is named {name}"))?;
            print_list(&[KeyInfo::from(&key)], out)
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
