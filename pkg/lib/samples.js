// Realistic sample events, one per type, taken from tests/fixtures (the FLAG_* and audit
// samples) and a capture from a real Flagsmith 2.265 server (NEW_VERSION_PUBLISHED). Used by
// the CLI's `send --event` and by sampleEvent() for users' own tests.

const SAMPLES = {
  "FLAG_UPDATED": {
    "data": {
      "changed_by": "jane.doe@example.com",
      "new_state": {
        "enabled": true,
        "environment": {
          "id": 23,
          "name": "Production"
        },
        "feature": {
          "created_date": "2026-03-02T11:20:41.017733Z",
          "default_enabled": false,
          "description": "Show html in a butter bar for certain users",
          "id": 7168,
          "initial_value": null,
          "name": "butter_bar",
          "project": {
            "id": 12,
            "name": "Web Shop"
          },
          "type": "STANDARD"
        },
        "feature_segment": null,
        "feature_state_value": "<strong>\nMaintenance tonight\n</strong>",
        "identity": null,
        "identity_identifier": null,
        "multivariate_feature_state_values": []
      },
      "previous_state": {
        "enabled": false,
        "environment": {
          "id": 23,
          "name": "Production"
        },
        "feature": {
          "created_date": "2026-03-02T11:20:41.017733Z",
          "default_enabled": false,
          "description": "Show html in a butter bar for certain users",
          "id": 7168,
          "initial_value": null,
          "name": "butter_bar",
          "project": {
            "id": 12,
            "name": "Web Shop"
          },
          "type": "STANDARD"
        },
        "feature_segment": null,
        "feature_state_value": "<strong>\nAll systems go\n</strong>",
        "identity": null,
        "identity_identifier": null,
        "multivariate_feature_state_values": []
      },
      "timestamp": "2026-08-21T10:15:02.481516Z"
    },
    "event_type": "FLAG_UPDATED"
  },
  "FLAG_DELETED": {
    "data": {
      "changed_by": "jane.doe@example.com",
      "new_state": null,
      "previous_state": {
        "enabled": false,
        "environment": {
          "id": 23,
          "name": "Production"
        },
        "feature": {
          "created_date": "2024-06-01T07:30:12.650011Z",
          "default_enabled": false,
          "description": "Old search backend",
          "id": 7002,
          "initial_value": "true",
          "name": "legacy_search",
          "project": {
            "id": 12,
            "name": "Web Shop"
          },
          "type": "STANDARD"
        },
        "feature_segment": null,
        "feature_state_value": true,
        "identity": null,
        "identity_identifier": null,
        "multivariate_feature_state_values": []
      },
      "timestamp": "2026-07-30T14:05:44.102938Z"
    },
    "event_type": "FLAG_DELETED"
  },
  "AUDIT_LOG_CREATED": {
    "data": {
      "author": {
        "email": "jane.doe@example.com",
        "first_name": "Jane",
        "id": 17,
        "last_login": "2026-08-20T09:12:44.120394Z",
        "last_name": "Doe",
        "uuid": "3f1e9c2a-7b4d-4a8e-b6c1-52d0e9f4a713"
      },
      "created_date": "2026-08-21T10:20:00.125006Z",
      "environment": null,
      "id": 99812,
      "is_system_event": false,
      "log": "New Flag / Remote Config created: max_cart_items",
      "project": {
        "edge_v2_migration_status": "NOT_STARTED",
        "enable_dynamo_db": false,
        "enable_realtime_updates": false,
        "enforce_feature_owners": false,
        "feature_name_regex": null,
        "hide_disabled_flags": false,
        "id": 12,
        "migration_status": "NOT_APPLICABLE",
        "minimum_change_request_approvals": null,
        "name": "Web Shop",
        "only_allow_lower_case_feature_names": true,
        "organisation": 3,
        "prevent_flag_defaults": false,
        "show_edge_identity_overrides_for_feature": false,
        "stale_flags_limit_days": 30,
        "use_edge_identities": false,
        "uuid": "9b2e3a77-4c1d-4f0a-8e55-0d6f2b7c1a90"
      },
      "related_object_id": 7201,
      "related_object_type": "FEATURE",
      "related_object_uuid": null
    },
    "event_type": "AUDIT_LOG_CREATED"
  },
  "NEW_VERSION_PUBLISHED": {
    "data": {
      "feature": {
        "id": 2,
        "name": "capture_mv"
      },
      "feature_states": [
        {
          "enabled": true,
          "multivariate_feature_state_values": [
            {
              "id": 5,
              "multivariate_feature_option": {
                "id": 1,
                "value": "variant_a"
              },
              "percentage_allocation": 25.0
            },
            {
              "id": 6,
              "multivariate_feature_option": {
                "id": 2,
                "value": 7
              },
              "percentage_allocation": 0.5
            }
          ],
          "value": "v3 <b>bold</b> é🚀"
        },
        {
          "enabled": true,
          "multivariate_feature_state_values": [],
          "value": 99
        }
      ],
      "published_by": {
        "email": "admin@example.com",
        "id": 1
      },
      "uuid": "cf71d118-013a-4183-bdc6-700c4d9ddd10"
    },
    "event_type": "NEW_VERSION_PUBLISHED"
  }
};

/** The event types sampleEvent() knows. */
export const SAMPLE_EVENT_TYPES = Object.freeze(Object.keys(SAMPLES));

/** A fresh copy of a realistic event of `type` (FLAG_UPDATED, FLAG_DELETED, AUDIT_LOG_CREATED or NEW_VERSION_PUBLISHED). */
export function sampleEvent(type) {
  const sample = SAMPLES[type];
  if (!sample) throw new TypeError(`no sample for event type ${JSON.stringify(type)}; known: ${SAMPLE_EVENT_TYPES.join(', ')}`);
  return JSON.parse(JSON.stringify(sample));
}
