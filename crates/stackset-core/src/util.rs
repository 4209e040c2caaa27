//! Small pure helpers: durations (the one parser and the one formatter of
//! the project) and SHA-1 (for ZMON metric selectors).

use std::time::Duration;

/// Parses a Go duration (`time.ParseDuration`), the one duration syntax of
/// the project: upstream's annotations use it, and kubectl's flags take the
/// same (`--timeout 1m30s`). A sequence of numbers, each with a unit `ns`,
/// `us` (`µs`), `ms`, `s`, `m` or `h`; numbers may have a fraction (`1.5h`).
/// `0` alone needs no unit. Negative durations are errors.
///
/// Not jiff's parser, although jiff is in the tree: it also takes `1 hour`
/// and `PT1H`, which upstream's controller would refuse, so a StackSet
/// would mean one thing to us and another to upstream.
pub fn parse_duration(input: &str) -> Result<Duration, String> {
    let s = input.trim();
    if s.is_empty() {
        return Err("empty duration".into());
    }
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    if s.starts_with('-') {
        return Err("negative duration".into());
    }
    let s = s.strip_prefix('+').unwrap_or(s);
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut total_nanos: f64 = 0.0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
            i += 1;
        }
        let number = &s[start..i];
        if number.is_empty() || number == "." {
            return Err(format!("expected a number at {:?}", &s[start..]));
        }
        let value: f64 = number
            .parse()
            .map_err(|_| format!("bad number {number:?}"))?;
        let unit_start = i;
        while i < bytes.len() && !(bytes[i].is_ascii_digit() || bytes[i] == b'.') {
            i += 1;
        }
        let nanos_per_unit = match &s[unit_start..i] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            "" => return Err(format!("missing unit after {number} (units: ms, s, m, h)")),
            other => return Err(format!("unknown unit {other:?} (units: ms, s, m, h)")),
        };
        total_nanos += value * nanos_per_unit;
    }
    // Go's limit: what an int64 of nanoseconds holds (about 292 years).
    if !total_nanos.is_finite() || total_nanos > i64::MAX as f64 {
        return Err("duration out of range".into());
    }
    Ok(Duration::from_nanos(total_nanos.round() as u64))
}

/// [`parse_duration`] in whole seconds (a fraction of a second is dropped),
/// for the annotations, which count in seconds.
pub(crate) fn parse_go_duration(input: &str) -> Result<i64, String> {
    parse_duration(input).map(|d| d.as_secs() as i64)
}

/// A duration in seconds the way kubectl writes one: hours, minutes and
/// seconds, leaving out the zero ones: `45s`, `1m30s`, `1h`, `1h5m`,
/// `26h0m5s` is `26h5s`. Zero and negative durations are `0s`. The one
/// formatter for durations in messages; the AGE column has its own
/// rounding, as in kubectl (`render::table::age`).
pub fn duration_text(seconds: i64) -> String {
    let s = seconds.max(0);
    if s == 0 {
        return "0s".into();
    }
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
    let mut text = String::new();
    for (n, unit) in [(h, 'h'), (m, 'm'), (sec, 's')] {
        if n > 0 {
            text.push_str(&n.to_string());
            text.push(unit);
        }
    }
    text
}

/// SHA-1 of `data` as lowercase hex. Only used to derive the ZMON metric's
/// `stack` selector the way upstream does; not for security.
pub(crate) fn sha1_hex(data: &[u8]) -> String {
    let mut h: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let mut message = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&bit_len.to_be_bytes());
    for chunk in message.chunks_exact(64) {
        let mut w = [0u32; 80];
        for (t, word) in chunk.chunks_exact(4).enumerate() {
            w[t] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for t in 16..80 {
            w[t] = (w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (t, wt) in w.iter().enumerate() {
            let (f, k) = match t {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let temp = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*wt);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = temp;
        }
        for (slot, v) in h.iter_mut().zip([a, b, c, d, e]) {
            *slot = slot.wrapping_add(v);
        }
    }
    h.iter().map(|v| format!("{v:08x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        struct Case {
            name: &'static str,
            input: &'static str,
            want: Result<i64, ()>,
        }
        let cases = [
            Case {
                name: "minutes",
                input: "10m",
                want: Ok(600),
            },
            Case {
                name: "compound",
                input: "1h30m",
                want: Ok(5400),
            },
            Case {
                name: "fractional hours",
                input: "1.5h",
                want: Ok(5400),
            },
            Case {
                name: "seconds",
                input: "90s",
                want: Ok(90),
            },
            Case {
                name: "sub-second truncates",
                input: "1500ms",
                want: Ok(1),
            },
            Case {
                name: "zero",
                input: "0",
                want: Ok(0),
            },
            Case {
                name: "no unit",
                input: "10",
                want: Err(()),
            },
            Case {
                name: "unknown unit",
                input: "10d",
                want: Err(()),
            },
            Case {
                name: "negative",
                input: "-5m",
                want: Err(()),
            },
            Case {
                name: "empty",
                input: "",
                want: Err(()),
            },
            Case {
                name: "garbage",
                input: "abc",
                want: Err(()),
            },
        ];
        for case in cases {
            let got = parse_go_duration(case.input).map_err(|_| ());
            assert_eq!(got, case.want, "{}", case.name);
        }
    }

    #[test]
    fn durations_keep_their_fractions() {
        let cases = [
            ("500ms", Duration::from_millis(500)),
            ("1.5s", Duration::from_millis(1500)),
            ("1m30s", Duration::from_secs(90)),
            ("1.5h", Duration::from_secs(5400)),
            ("2h45m", Duration::from_secs(9900)),
            ("+5m", Duration::from_secs(300)),
            ("250us", Duration::from_micros(250)),
            ("0", Duration::ZERO),
        ];
        for (input, want) in cases {
            assert_eq!(parse_duration(input), Ok(want), "{input}");
        }
        for bad in ["1 hour", "PT1H", "1d", "10", "-1s", "", "m", "1h-5m"] {
            assert!(parse_duration(bad).is_err(), "{bad:?} parsed");
        }
        assert_eq!(
            parse_duration("3d").unwrap_err(),
            "unknown unit \"d\" (units: ms, s, m, h)"
        );
    }

    #[test]
    fn durations_print_like_kubectl() {
        let cases = [
            (0, "0s"),
            (-5, "0s"),
            (45, "45s"),
            (60, "1m"),
            (90, "1m30s"),
            (3600, "1h"),
            (3900, "1h5m"),
            (3605, "1h5s"),
            (3725, "1h2m5s"),
            (7140, "1h59m"),
            (26 * 3600 + 5, "26h5s"),
        ];
        for (seconds, want) in cases {
            assert_eq!(duration_text(seconds), want, "{seconds}");
            // What we print, we parse back.
            assert_eq!(
                parse_duration(want).map(|d| d.as_secs() as i64),
                Ok(seconds.max(0)),
                "{want}"
            );
        }
    }

    #[test]
    fn sha1_known_vectors() {
        assert_eq!(sha1_hex(b""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(sha1_hex(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(
            sha1_hex(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
        );
    }
}
