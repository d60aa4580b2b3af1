// Provenance's pages: the little that needs the browser. Every page works without it.
//
// - Verify form: drop or choose a file; "check the hash only" computes the SHA-256 of the copy
//   here (WebCrypto) and sends only the hash, never the text.
// - Verdict: each proof bundle is checked here against the log key shown on the page: the log
//   entry is rebuilt from the version record (provenance-leaf/1), the inclusion proof is
//   followed to the checkpoint's root (RFC 9162), and the checkpoint's Ed25519 signature is
//   checked where the browser supports Ed25519 in WebCrypto.
"use strict";

(function () {
  const subtle = window.crypto && window.crypto.subtle;
  const encoder = new TextEncoder();

  function hex(bytes) {
    return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function fromHex(text) {
    const bytes = new Uint8Array(text.length / 2);
    for (let i = 0; i < bytes.length; i += 1) bytes[i] = parseInt(text.substr(i * 2, 2), 16);
    return bytes;
  }

  function fromBase64(text) {
    const binary = atob(text);
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  }

  function toBase64(bytes) {
    return btoa(String.fromCharCode.apply(null, new Uint8Array(bytes)));
  }

  function concat(...parts) {
    const length = parts.reduce((n, p) => n + p.length, 0);
    const out = new Uint8Array(length);
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  async function sha256(bytes) {
    return new Uint8Array(await subtle.digest("SHA-256", bytes));
  }

  function equalBytes(a, b) {
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }

  // ---- The verify form ----------------------------------------------------------------------

  function setUpVerifyForm(form) {
    const text = form.querySelector("#text");
    const fileInput = form.querySelector("#file");
    const drop = form.querySelector("#drop");
    const fileName = form.querySelector("#file-name");
    const local = form.querySelector("#local");
    const hashOnly = form.querySelector("#hash_only");
    const sha = form.querySelector("#sha256");
    const fileSha = form.querySelector("#file_sha256");
    const contentType = form.querySelector("#content_type");
    let file = null;

    if (!subtle) {
      form.querySelector("#no-local").hidden = false;
      return;
    }
    drop.hidden = false;
    local.hidden = false;

    function choose(chosen) {
      file = chosen || null;
      fileName.textContent = file ? "Chosen: " + file.name + " (" + file.size + " bytes)" : "";
      if (file) {
        const name = file.name.toLowerCase();
        if (file.type === "text/html" || name.endsWith(".html") || name.endsWith(".htm")) contentType.value = "text/html";
        else if (file.type === "text/markdown" || name.endsWith(".md")) contentType.value = "text/markdown";
        else contentType.value = "text/plain";
      }
    }

    fileInput.addEventListener("change", () => choose(fileInput.files[0]));
    // A file dropped anywhere on the form is taken (not opened by the browser in its place).
    form.addEventListener("dragover", (event) => {
      event.preventDefault();
      drop.classList.add("over");
    });
    form.addEventListener("dragleave", (event) => {
      if (!form.contains(event.relatedTarget)) drop.classList.remove("over");
    });
    form.addEventListener("drop", (event) => {
      event.preventDefault();
      drop.classList.remove("over");
      if (event.dataTransfer && event.dataTransfer.files.length > 0) choose(event.dataTransfer.files[0]);
    });

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      try {
        if (hashOnly.checked && !file && text.value.trim() === "") {
          // Nothing to hash here: the server says what is missing, or checks a hash typed in.
          hashOnly.disabled = true;
        } else if (hashOnly.checked) {
          const bytes = file ? new Uint8Array(await file.arrayBuffer()) : encoder.encode(text.value);
          sha.value = hex(await sha256(bytes));
          // The text must not leave this computer: a disabled field is not sent.
          text.disabled = true;
          fileSha.disabled = true;
        } else if (file) {
          const bytes = new Uint8Array(await file.arrayBuffer());
          fileSha.value = hex(await sha256(bytes));
          text.value = new TextDecoder("utf-8").decode(bytes);
        }
        fileInput.disabled = true;
        form.submit();
      } catch (error) {
        button.disabled = false;
        text.disabled = false;
        hashOnly.disabled = false;
        fileName.textContent = "The file could not be read: " + error.message;
      }
    });
  }

  // ---- Proof bundles --------------------------------------------------------------------------

  // RFC 8785 canonical JSON for the values a leaf holds: JSON.stringify of objects whose keys are
  // inserted in code-point order (strings, integers and null serialise as RFC 8785 says).
  function canonical(value) {
    if (value === null || typeof value !== "object") return JSON.stringify(value);
    if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
    const keys = Object.keys(value).sort();
    return "{" + keys.map((k) => JSON.stringify(k) + ":" + canonical(value[k])).join(",") + "}";
  }

  async function rebuildLeaf(record) {
    const contacts = record.media_contacts.map((c) => ({
      email: c.email === undefined ? null : c.email,
      name: c.name === undefined ? null : c.name,
      organization: c.organization === undefined ? null : c.organization,
      phone: c.phone === undefined ? null : c.phone,
    }));
    const commitment = hex(
      await sha256(concat(encoder.encode("provenance:contacts:v1\n"), fromHex(record.contacts_salt), encoder.encode(canonical(contacts))))
    );
    return canonical({
      contacts_commitment: commitment,
      content_sha256: record.sha256,
      content_type: record.content_type,
      format: "provenance-leaf/1",
      ingested_at: record.ingested_at,
      published_at: record.published_at,
      publisher: record.publisher,
      source_url: record.source_url,
      statement_id: record.statement_id,
      title: record.title,
      version: record.version,
    });
  }

  async function leafHash(leafBytes) {
    return sha256(concat(Uint8Array.of(0), leafBytes));
  }

  async function nodeHash(left, right) {
    return sha256(concat(Uint8Array.of(1), left, right));
  }

  // RFC 9162, section 2.1.3.2.
  async function rootFromInclusion(index, size, leaf, proof) {
    if (index >= size) throw new Error("the index is outside the tree");
    let fn = index;
    let sn = size - 1;
    let r = leaf;
    for (const p of proof) {
      if (sn === 0) throw new Error("the proof is too long");
      if (fn % 2 === 1 || fn === sn) {
        r = await nodeHash(p, r);
        if (fn % 2 === 0) {
          while (fn % 2 === 0 && fn !== 0) {
            fn = Math.floor(fn / 2);
            sn = Math.floor(sn / 2);
          }
        }
      } else {
        r = await nodeHash(r, p);
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    if (sn !== 0) throw new Error("the proof is too short");
    return r;
  }

  // A signed-note verifier key: name+keyid+base64(0x01 || Ed25519 public key).
  async function parseKey(encoded) {
    // The base64 part may itself hold "+": split at the first two only.
    const parts = encoded.trim().split("+");
    if (parts.length < 3) throw new Error("the key is not a signed-note verifier key");
    const [name, keyId] = parts;
    const key = parts.slice(2).join("+");
    const raw = fromBase64(key);
    if (raw.length !== 33 || raw[0] !== 1) throw new Error("the key is not an Ed25519 signed-note key");
    const id = (await sha256(concat(encoder.encode(name + "\n"), raw))).slice(0, 4);
    if (hex(id) !== keyId) throw new Error("the key's id does not match its name and public key");
    return { name, id, publicKey: raw.slice(1) };
  }

  // Returns the checkpoint's body lines and whether its signature verified (null when this
  // browser cannot check Ed25519).
  async function openCheckpoint(note, key) {
    const split = note.indexOf("\n\n");
    if (split < 0) throw new Error("the checkpoint is not a signed note");
    const text = note.slice(0, split + 1);
    let signature = null;
    for (const line of note.slice(split + 2).split("\n")) {
      if (!line) continue;
      if (!line.startsWith("\u2014 ")) throw new Error("malformed signature line");
      const [signer, b64] = line.slice(2).split(" ");
      const raw = fromBase64(b64);
      if (signer === key.name && equalBytes(raw.slice(0, 4), key.id)) signature = raw.slice(4);
    }
    if (!signature) throw new Error("the checkpoint is not signed by the log key shown");
    let verified = null;
    try {
      const publicKey = await subtle.importKey("raw", key.publicKey, { name: "Ed25519" }, false, ["verify"]);
      verified = await subtle.verify({ name: "Ed25519" }, publicKey, signature, encoder.encode(text));
    } catch (error) {
      if (error && error.name === "NotSupportedError") verified = null;
      else throw error;
    }
    return { lines: text.split("\n"), verified };
  }

  async function checkProof(block, key) {
    const bundle = JSON.parse(block.dataset.bundle);
    const record = bundle.version;
    const steps = [];
    const leaf = await rebuildLeaf(record);
    if (leaf !== bundle.leaf) throw new Error("the log entry is not the one its record gives");
    const leafBytes = encoder.encode(leaf);
    const hashOfLeaf = await leafHash(leafBytes);
    if (toBase64(hashOfLeaf) !== record.leaf_hash) throw new Error("the record's leaf hash is not its entry's");
    steps.push("the log entry was rebuilt from the version record");
    const checkpoint = await openCheckpoint(bundle.checkpoint, key);
    const size = Number(checkpoint.lines[1]);
    if (size !== bundle.tree_size || bundle.log_index !== record.log_index) throw new Error("the checkpoint is not for the proof's tree");
    const proof = bundle.inclusion_proof.map(fromBase64);
    const root = await rootFromInclusion(bundle.log_index, bundle.tree_size, hashOfLeaf, proof);
    if (toBase64(root) !== checkpoint.lines[2]) throw new Error("the inclusion proof does not lead to the checkpoint's root");
    steps.push("its inclusion proof leads to the root of the log of " + size + " entries");
    if (checkpoint.verified === false) throw new Error("the checkpoint's signature does not verify with the log key shown");
    const signatureStep =
      checkpoint.verified === true
        ? "the checkpoint's Ed25519 signature verifies with the log key shown"
        : "this browser cannot check Ed25519 signatures: the signature was checked by the server only";
    steps.push(signatureStep);
    if (block.dataset.identical === "true") {
      if (record.sha256 !== block.dataset.copySha256) throw new Error("your copy's SHA-256 is not the record's");
      steps.push("your copy's SHA-256 is the record's");
    }
    return { steps, signatureChecked: checkpoint.verified === true };
  }

  async function checkProofs() {
    const blocks = document.querySelectorAll(".proof[data-bundle]");
    if (blocks.length === 0) return;
    const status = (block) => block.querySelector(".proof-browser");
    const keyElement = document.getElementById("log-key");
    if (!subtle || !keyElement) {
      blocks.forEach((block) => {
        status(block).textContent = "This browser cannot check proofs here (it needs a secure connection): the server checked it.";
        block.dataset.browserCheck = "unavailable";
      });
      return;
    }
    let key;
    try {
      key = await parseKey(keyElement.textContent);
    } catch (error) {
      blocks.forEach((block) => {
        status(block).textContent = "The log key shown cannot be read: " + error.message;
        block.dataset.browserCheck = "failed";
      });
      return;
    }
    for (const block of blocks) {
      const line = status(block);
      try {
        const result = await checkProof(block, key);
        line.textContent = "";
        const strong = document.createElement("strong");
        strong.className = "ok";
        strong.textContent = result.signatureChecked ? "Verified in your browser" : "Partly verified in your browser";
        line.append(strong, ": ");
        const list = document.createElement("ul");
        for (const step of result.steps) {
          const item = document.createElement("li");
          item.textContent = step;
          list.append(item);
        }
        line.append(list);
        block.dataset.browserCheck = result.signatureChecked ? "verified" : "no-signature-check";
      } catch (error) {
        line.textContent = "";
        const strong = document.createElement("strong");
        strong.className = "bad";
        strong.textContent = "Not verified in your browser";
        line.append(strong, ": " + error.message);
        block.dataset.browserCheck = "failed";
      }
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("verify-form");
    if (form) setUpVerifyForm(form);
    checkProofs();
  });
})();
