//! A Verifier with several secrets: never panics, matches the first secret that signed the
//! body, and agrees with one-shot verify for each secret.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (Vec<Vec<u8>>, &[u8], &str, u8)| {
    let (secrets, body, header, pick) = input;
    let Ok(verifier) = flagsmith_webhooks::Verifier::new(&secrets) else {
        assert!(secrets.is_empty() || secrets.iter().any(Vec::is_empty));
        return;
    };
    let expected = secrets
        .iter()
        .position(|secret| flagsmith_webhooks::verify(secret, body, header));
    assert_eq!(verifier.matching_index(body, header), expected);
    let _ = verifier.check(body, header);
    let index = usize::from(pick) % secrets.len();
    let signature = flagsmith_webhooks::sign(&secrets[index], body);
    let matched = verifier.matching_index(body, &signature).expect("a secret signed it");
    assert!(matched <= index);
    assert_eq!(flagsmith_webhooks::sign(&secrets[matched], body), signature);
});
