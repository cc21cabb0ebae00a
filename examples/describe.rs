//! Prints the one-line summary and the diff of each webhook body given on the command line:
//! `cargo run --example describe -- tests/fixtures/*.json`.

use flagsmith_webhooks::{describe, diff, parse, ToJson};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    for path in std::env::args().skip(1) {
        let Ok(event) = parse(&std::fs::read(&path)?) else {
            continue; // not a webhook body (signatures.json, requests.json)
        };
        let diff = diff(&event).map(|d| d.to_json());
        println!(
            "{}",
            serde_json::json!({ "file": path, "describe": describe(&event), "diff": diff })
        );
    }
    Ok(())
}
