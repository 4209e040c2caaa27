//! Small pure helpers: Go duration parsing and SHA-1 (for ZMON metric selectors).

/// Parses a Go duration such as `10m`, `1h30m`, `90s` or `1.5h` into whole
/// seconds (fractions of a second are truncated). Negative values and
/// unknown units are errors.
pub(crate) fn parse_go_duration(input: &str) -> Result<i64, String> {
    let s = input.trim();
    if s.is_empty() {
        return Err("empty duration".into());
    }
    if s == "0" {
        return Ok(0);
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
            "" => return Err("missing unit".into()),
            other => return Err(format!("unknown unit {other:?}")),
        };
        total_nanos += value * nanos_per_unit;
    }
    let seconds = (total_nanos / 1e9).trunc();
    if !seconds.is_finite() || seconds > i64::MAX as f64 {
        return Err("duration out of range".into());
    }
    Ok(seconds as i64)
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
    fn sha1_known_vectors() {
        assert_eq!(sha1_hex(b""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(sha1_hex(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(
            sha1_hex(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
        );
    }
}
