//! The plan link: a plan's JSON text in a URL fragment, with no server involved.
//!
//! A link's fragment is `p1.` ([`LINK_PREFIX`], version 1 of the format) followed by the text deflated (raw
//! DEFLATE, RFC 1951) and written in base64url (RFC 4648 §5, no padding). A fragment is checked before it is
//! unpacked: at most [`MAX_LINK_BYTES`] long, inflated with a caller-given limit so that a small link cannot unpack
//! to gigabytes, and it must be UTF-8. Whether the text is a valid plan is for the caller to check (the app does it
//! with the core's own types).
//!
//! Pure and panic-free like the core: the app's share module and the fuzz target `share_link` call these functions.
#![deny(
    clippy::arithmetic_side_effects,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use miniz_oxide::inflate::TINFLStatus;

/// The versioned start of a plan link's fragment (after `#`): version 1 of the link format.
pub const LINK_PREFIX: &str = "p1.";

/// The longest fragment a link may have (characters after `#`): links this long still paste into chats and mail.
pub const MAX_LINK_BYTES: usize = 16 * 1024;

/// Whether a location hash (with or without its `#`) is a plan link.
pub fn is_link(hash: &str) -> bool {
    hash.trim_start_matches('#').starts_with(LINK_PREFIX)
}

/// The fragment (without `#`) of a link holding `text`.
///
/// # Errors
/// A message when the compressed text is longer than [`MAX_LINK_BYTES`].
pub fn encode(text: &str) -> Result<String, String> {
    let packed = miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 9);
    let fragment = format!("{LINK_PREFIX}{}", URL_SAFE_NO_PAD.encode(packed));
    if fragment.len() > MAX_LINK_BYTES {
        return Err(format!(
            "this plan is too large for a link ({} KiB compressed; a link holds at most {} KiB): download it as JSON instead",
            fragment.len().div_ceil(1024),
            MAX_LINK_BYTES / 1024
        ));
    }
    Ok(fragment)
}

/// The text of a link's fragment (with or without its `#`), unpacked to at most `max_bytes`.
///
/// # Errors
/// A message saying what is wrong with the link: not a plan link, too long, not base64url, not DEFLATE data,
/// unpacking to more than `max_bytes`, or not UTF-8.
pub fn decode(fragment: &str, max_bytes: usize) -> Result<String, String> {
    let fragment = fragment.trim_start_matches('#');
    let Some(data) = fragment.strip_prefix(LINK_PREFIX) else {
        return Err(format!("this link is not a scaleplan plan link (it should start with #{LINK_PREFIX})"));
    };
    if fragment.len() > MAX_LINK_BYTES {
        return Err(format!(
            "this link is {} KiB long; plan links of at most {} KiB are opened",
            fragment.len().div_ceil(1024),
            MAX_LINK_BYTES / 1024
        ));
    }
    let packed = URL_SAFE_NO_PAD
        .decode(data.trim_end_matches('='))
        .map_err(|e| format!("this link is damaged (it is not base64url: {e}); copy it again in full"))?;
    let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, max_bytes).map_err(|e| match e.status {
        TINFLStatus::HasMoreOutput => {
            format!("this link unpacks to more than {} KiB, more than any plan", max_bytes / 1024)
        }
        _ => "this link is damaged (its data does not decompress); copy it again in full".to_owned(),
    })?;
    String::from_utf8(bytes).map_err(|_| "this link is damaged (its plan is not UTF-8 text)".to_owned())
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    const LIMIT: usize = 512 * 1024;

    #[test]
    fn text_comes_back_unchanged() {
        let text = r#"{"version":1,"name":"ünïcode ✓","entries":{}}"#;
        let fragment = encode(text).expect("small");
        assert!(fragment.starts_with(LINK_PREFIX));
        assert!(
            fragment.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'),
            "{fragment}"
        );
        assert!(is_link(&format!("#{fragment}")));
        assert_eq!(decode(&format!("#{fragment}"), LIMIT).expect("opens"), text);
        assert_eq!(decode(&fragment, LIMIT).expect("opens without #"), text);
        // Padding some encoders add is tolerated.
        assert_eq!(decode(&format!("{fragment}=="), LIMIT).expect("padded"), text);
    }

    #[test]
    fn each_kind_of_damage_has_its_message() {
        assert!(!is_link("#p2.abc"));
        assert!(decode("#p2.abc", LIMIT).expect_err("other version").contains("not a scaleplan plan link"));
        assert!(decode("p1.***", LIMIT).expect_err("not base64").contains("not base64url"));
        assert!(decode("p1.AAAA", LIMIT).expect_err("not deflate").contains("does not decompress"));
        let long = format!("p1.{}", "A".repeat(MAX_LINK_BYTES));
        assert!(decode(&long, LIMIT).expect_err("too long").contains("at most 16 KiB"));
        // A stored DEFLATE block (BFINAL=1, BTYPE=00) holding one byte that is not UTF-8.
        let not_utf8 = format!("p1.{}", URL_SAFE_NO_PAD.encode([0x01, 0x01, 0x00, 0xfe, 0xff, 0xff]));
        assert!(decode(&not_utf8, LIMIT).expect_err("not UTF-8").contains("not UTF-8"));
    }

    #[test]
    fn unpacking_stops_at_the_limit() {
        let spaces = " ".repeat(4 * LIMIT);
        let fragment = encode(&spaces).expect("spaces deflate to almost nothing");
        assert!(decode(&fragment, LIMIT).expect_err("bomb").contains("more than 512 KiB"));
        assert_eq!(decode(&fragment, 4 * LIMIT).expect("within a larger limit").len(), 4 * LIMIT);
    }
}
