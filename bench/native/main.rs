//! Verifies a correct signature at 128 B, 1.2 KB (the fixture) and 4 MB with each contender,
//! as a careful receiver would: decode the hex header, HMAC the body, compare in constant time.
//! Ratios to ring, measured in the same run: the median of each round's ratio, with the
//! contenders' order rotated every round (the machines are shared and noisy).
//!
//!   cargo run --release --manifest-path bench/native/Cargo.toml --target-dir target/native [-- --quick]

use std::hint::black_box;
use std::time::Instant;

const SECRET: &[u8] = b"whsec_demo_f1agsm1th";

type Contender = (&'static str, Box<dyn Fn(&[u8], &str) -> bool>);

fn contenders() -> Vec<Contender> {
    let verifier = flagsmith_webhooks::Verifier::new([SECRET]).expect("a secret");
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, SECRET);
    vec![
        (
            "ring (key once)",
            Box::new(move |body, signature| {
                let Ok(tag) = hex::decode(signature) else {
                    return false;
                };
                ring::hmac::verify(&key, body, &tag).is_ok()
            }),
        ),
        (
            "flagsmith-webhooks Verifier::verify",
            Box::new(move |body, signature| verifier.verify(body, signature)),
        ),
        (
            "flagsmith-webhooks verify (one-shot)",
            Box::new(|body, signature| flagsmith_webhooks::verify(SECRET, body, signature)),
        ),
        (
            "hmac-sha256",
            Box::new(|body, signature| {
                let Ok(expected) = hex::decode(signature) else {
                    return false;
                };
                let actual = hmac_sha256::HMAC::mac(body, SECRET);
                // Constant time, as the others compare.
                expected.len() == 32
                    && actual
                        .iter()
                        .zip(&expected)
                        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                        == 0
            }),
        ),
    ]
}

fn operations_per_second(
    check: &dyn Fn(&[u8], &str) -> bool,
    body: &[u8],
    signature: &str,
    min_ms: u128,
) -> f64 {
    let start = Instant::now();
    let mut count = 0u64;
    while start.elapsed().as_millis() < min_ms {
        for _ in 0..16 {
            assert!(check(black_box(body), black_box(signature)));
        }
        count += 16;
    }
    count as f64 / start.elapsed().as_secs_f64()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let (rounds, min_ms) = if quick { (3, 60) } else { (7, 200) };
    let fixture = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/01_flag_updated_env_default.json"
    ))
    .expect("the fixture");
    let sizes: Vec<(&str, Vec<u8>)> = vec![
        ("128 B", vec![b'x'; 128]),
        ("1.2 KB (fixture)", fixture),
        ("4 MB", vec![b'x'; 4 << 20]),
    ];
    let contenders = contenders();
    println!("### Native verify, ratio to ring ({rounds} rounds of >= {min_ms} ms, medians of the rounds' ratios)\n");
    println!(
        "| | {} |",
        sizes
            .iter()
            .map(|(l, _)| *l)
            .collect::<Vec<_>>()
            .join(" | ")
    );
    println!(
        "|---|{}|",
        sizes.iter().map(|_| "---:").collect::<Vec<_>>().join("|")
    );
    let mut table: Vec<Vec<String>> = contenders
        .iter()
        .map(|(name, _)| vec![name.to_string()])
        .collect();
    let mut baseline_ops = Vec::new();
    for (_, body) in &sizes {
        let signature = flagsmith_webhooks::sign(SECRET, body);
        let mut samples = vec![Vec::new(); contenders.len()];
        for round in 0..rounds {
            for offset in 0..contenders.len() {
                let index = (offset + round) % contenders.len();
                samples[index].push(operations_per_second(
                    &*contenders[index].1,
                    body,
                    &signature,
                    min_ms,
                ));
            }
        }
        for (index, row) in table.iter_mut().enumerate() {
            let ratios = samples[index]
                .iter()
                .zip(&samples[0])
                .map(|(a, b)| a / b)
                .collect();
            row.push(format!("{:.2}×", median(ratios)));
        }
        baseline_ops.push(median(samples[0].clone()));
    }
    for row in table {
        println!("| {} |", row.join(" | "));
    }
    println!(
        "| (ring, operations per second) | {} |",
        baseline_ops
            .iter()
            .map(|o| format!("{:.0}", o))
            .collect::<Vec<_>>()
            .join(" | ")
    );
}
