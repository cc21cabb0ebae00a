//! Ordinary serde_json code that arbitrary_precision breaks (serde-rs/json #505, #721, #1108),
//! next to a webhook parsed by flagsmith-webhooks.

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use serde::Deserialize;
    use serde_json::json;

    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(tag = "kind")]
    enum Tagged {
        Price { amount: f64 },
    }

    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(untagged)]
    enum Untagged {
        Number(f64),
        Text(String),
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Flattened {
        name: String,
        #[serde(flatten)]
        rest: HashMap<String, f64>,
    }

    #[test]
    fn internally_tagged_enums_read_floats() {
        let value: Tagged = serde_json::from_str(r#"{"kind": "Price", "amount": 1.5}"#).unwrap();
        assert_eq!(value, Tagged::Price { amount: 1.5 });
    }

    #[test]
    fn untagged_enums_read_floats() {
        let value: Vec<Untagged> = serde_json::from_str(r#"[1.5, "x"]"#).unwrap();
        assert_eq!(value, [Untagged::Number(1.5), Untagged::Text("x".into())]);
    }

    #[test]
    fn flattened_maps_read_floats() {
        let value: Flattened = serde_json::from_str(r#"{"name": "n", "a": 0.25}"#).unwrap();
        assert_eq!(value.rest["a"], 0.25);
    }

    #[test]
    fn numbers_compare_by_value() {
        assert_eq!(json!(1.5), serde_json::from_str::<serde_json::Value>("1.50").unwrap());
    }

    #[test]
    fn webhooks_still_parse_and_round_trip() {
        let body = std::fs::read("../fixtures/03_flag_updated_multivariate.json").unwrap();
        let event = flagsmith_webhooks::parse(&body).unwrap();
        assert_eq!(flagsmith_webhooks::to_flagsmith_json(&event).as_bytes(), &body[..]);
    }
}
