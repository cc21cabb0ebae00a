//! Prints the one-line summary and the diff of each webhook body given on the command line:
//! `cargo run --example describe -- tests/fixtures/*.json`.
//!
//! With `--event-types` it prints the modelled event types as a JSON array. With `--stdin` it
//! reads one JSON string (a body) per line instead and prints, per line,
//! `{"describe", "diff", "json"}` (`json` being `to_flagsmith_json`) or `{"error", "message"}`:
//! what tests/js/twins.test.mjs holds the JavaScript twins to. With `--mirror` it reads one
//! stream per line (a JSON array of bodies), applies each to a fresh `FlagMirror`, and prints
//! its canonical snapshot: what tests/js/mirror.test.mjs holds the JavaScript mirror to.

use std::io::BufRead;

use flagsmith_webhooks::mirror::FlagMirror;
use flagsmith_webhooks::model::ToJson;
use flagsmith_webhooks::{describe, diff, parse, to_flagsmith_json};
use serde_json::json;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::args().nth(1).as_deref() == Some("--event-types") {
        println!("{}", json!(flagsmith_webhooks::model::event_types::ALL));
        return Ok(());
    }
    if std::env::args().nth(1).as_deref() == Some("--mirror") {
        for line in std::io::stdin().lock().lines() {
            let bodies: Vec<String> = serde_json::from_str(&line?)?;
            let mut mirror = FlagMirror::new();
            for body in bodies {
                if let Ok(event) = parse(body.as_bytes()) {
                    mirror.apply(&event);
                }
            }
            println!("{}", mirror.canonical_snapshot());
        }
        return Ok(());
    }
    if std::env::args().nth(1).as_deref() == Some("--stdin") {
        for line in std::io::stdin().lock().lines() {
            let body: String = serde_json::from_str(&line?)?;
            let out = match parse(body.as_bytes()) {
                Ok(event) => json!({
                    "describe": describe(&event),
                    "diff": diff(&event).map(|d| d.to_json()),
                    "json": to_flagsmith_json(&event),
                }),
                Err(error) => json!({ "error": error.code(), "message": error.to_string() }),
            };
            println!("{out}");
        }
        return Ok(());
    }
    for path in std::env::args().skip(1) {
        let Ok(event) = parse(&std::fs::read(&path)?) else {
            continue; // not a webhook body (signatures.json, requests.json)
        };
        let diff = diff(&event).map(|d| d.to_json());
        println!(
            "{}",
            json!({ "file": path, "describe": describe(&event), "diff": diff })
        );
    }
    Ok(())
}
