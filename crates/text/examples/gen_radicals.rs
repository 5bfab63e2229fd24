//! Generates `src/radicals_table.rs` and `src/compat_table.rs` from the
//! Unicode Character Database.
//!
//! ```text
//! apt-get install -y unicode-data        # provides /usr/share/unicode/
//! cargo run -p gongkai-text --example gen_radicals [UCD_DIR] [OUT_DIR]
//! cargo fmt -p gongkai-text
//! ```
//!
//! `UCD_DIR` defaults to `/usr/share/unicode`, `OUT_DIR` to this crate's
//! `src/`. The generated files are committed so that building the crate never
//! needs the data files.
//!
//! Inputs:
//! - `EquivalentUnifiedIdeograph.txt`: CJK Radicals Supplement (U+2E80..U+2EFF)
//!   and Kangxi Radicals (U+2F00..U+2FDF) mapped to the unified ideograph that
//!   looks the same. The file also covers CJK Strokes (U+31C0..), which are
//!   deliberately left out: strokes do not show up in place of whole
//!   characters in extracted text.
//! - `UnicodeData.txt`: the canonical singleton decompositions of the CJK
//!   Compatibility Ideographs (U+F900..U+FAFF).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

/// Places where the equivalent ideograph in the data file is not the one a
/// Simplified-Chinese document means. Simplified-Chinese fonts (e.g. Noto
/// Sans/Serif CJK SC) draw KANGXI RADICAL DOOR with the glyph of 户 (U+6237)
/// and PDF producers then emit U+2F3E for 户; the data file (and NFKC) say
/// 戶 (U+6236), the traditional form.
const OVERRIDES: &[(u32, u32, &str)] = &[(0x2F3E, 0x6237, "SC fonts share the glyph of 户")];

fn in_radical_blocks(cp: u32) -> bool {
    (0x2E80..=0x2EFF).contains(&cp) || (0x2F00..=0x2FDF).contains(&cp)
}

fn hex(s: &str) -> Result<u32, String> {
    u32::from_str_radix(s.trim(), 16).map_err(|e| format!("bad code point {s:?}: {e}"))
}

fn ch(cp: u32) -> Result<char, String> {
    char::from_u32(cp).ok_or_else(|| format!("not a scalar value: {cp:X}"))
}

/// Parsed radical mappings: source -> (target, name from the comment).
type RadicalMap = BTreeMap<u32, (u32, String)>;

fn parse_equivalent(text: &str) -> Result<(String, RadicalMap), String> {
    let version = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# EquivalentUnifiedIdeograph-"))
        .and_then(|l| l.strip_suffix(".txt"))
        .unwrap_or("unknown")
        .to_string();
    let mut map = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let (data, comment) = match line.split_once('#') {
            Some((d, c)) => (d, c),
            None => (line, ""),
        };
        if data.trim().is_empty() {
            continue;
        }
        let (src, dst) = data
            .split_once(';')
            .ok_or_else(|| format!("line {}: no ';' in {line:?}", n + 1))?;
        let (lo, hi) = match src.split_once("..") {
            Some((lo, hi)) => (hex(lo)?, hex(hi)?),
            None => (hex(src)?, hex(src)?),
        };
        let dst = hex(dst)?;
        // Comments look like "     CJK RADICAL CLIFF" or
        // " [2] CJK RADICAL SMALL ONE..CJK RADICAL SMALL TWO".
        let comment = comment.trim();
        let comment = match comment.strip_prefix('[') {
            Some(rest) => rest.split_once(']').map_or(rest, |(_, r)| r).trim(),
            None => comment,
        };
        let names: Vec<&str> = comment.split("..").collect();
        for cp in lo..=hi {
            if !in_radical_blocks(cp) {
                continue;
            }
            let name = if lo == hi || names.len() != 2 {
                comment.to_string()
            } else if cp == lo {
                names[0].to_string()
            } else if cp == hi {
                names[1].to_string()
            } else {
                comment.to_string()
            };
            if map.insert(cp, (dst, name)).is_some() {
                return Err(format!("line {}: U+{cp:04X} mapped twice", n + 1));
            }
        }
    }
    Ok((version, map))
}

fn parse_compat(text: &str) -> Result<BTreeMap<u32, u32>, String> {
    let mut map = BTreeMap::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split(';').collect();
        if fields.len() < 6 {
            continue;
        }
        let cp = hex(fields[0])?;
        if !(0xF900..=0xFAFF).contains(&cp) {
            continue;
        }
        let decomp = fields[5].trim();
        // Canonical decompositions have no `<tag>`; compatibility ideographs
        // always decompose to exactly one unified ideograph.
        if decomp.is_empty() || decomp.starts_with('<') {
            continue;
        }
        if decomp.contains(' ') {
            return Err(format!("U+{cp:04X}: unexpected multi-char decomposition"));
        }
        map.insert(cp, hex(decomp)?);
    }
    Ok(map)
}

fn ucd_version(dir: &std::path::Path) -> String {
    // ReadMe.txt says "... for Version 15.0.0 of the Unicode Standard."
    std::fs::read_to_string(dir.join("ReadMe.txt"))
        .ok()
        .and_then(|t| {
            t.split_whitespace()
                .skip_while(|w| *w != "Version")
                .nth(1)
                .filter(|v| v.chars().next().is_some_and(|c| c.is_ascii_digit()))
                .map(|v| v.trim_end_matches(['.', ',']).to_string())
        })
        .unwrap_or_else(|| "unknown".to_string())
}

const HEADER: &str = "\
// @generated by `cargo run -p gongkai-text --example gen_radicals` (see
// examples/gen_radicals.rs). Do not edit by hand: change the generator and
// run it again, then `cargo fmt -p gongkai-text`.
";

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let ucd = PathBuf::from(args.next().unwrap_or_else(|| "/usr/share/unicode".into()));
    let out = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src"));

    let eq_path = ucd.join("EquivalentUnifiedIdeograph.txt");
    let eq_text = std::fs::read_to_string(&eq_path)
        .map_err(|e| format!("{}: {e} (apt-get install unicode-data)", eq_path.display()))?;
    let (version, mut radicals) = parse_equivalent(&eq_text)?;
    for &(src, dst, why) in OVERRIDES {
        let entry = radicals
            .get_mut(&src)
            .ok_or_else(|| format!("override for unmapped U+{src:04X}"))?;
        entry.0 = dst;
        entry.1 = format!("{} (override: {why})", entry.1);
    }

    let mut s = String::new();
    s.push_str(HEADER);
    writeln!(
        s,
        "// Source: EquivalentUnifiedIdeograph-{version}.txt, restricted to CJK Radicals\n\
         // Supplement (U+2E80..U+2EFF) and Kangxi Radicals (U+2F00..U+2FDF), with\n\
         // the overrides listed in the generator ({} of them).\n",
        OVERRIDES.len()
    )
    .unwrap();
    writeln!(
        s,
        "/// Radical -> equivalent unified ideograph, sorted by radical ({} entries).",
        radicals.len()
    )
    .unwrap();
    s.push_str("pub(crate) static RADICALS: &[(char, char)] = &[\n");
    for (&src, (dst, name)) in &radicals {
        writeln!(
            s,
            "    ('\\u{{{src:04X}}}', '\\u{{{dst:04X}}}'), // {} -> {} {name}",
            ch(src)?,
            ch(*dst)?
        )
        .unwrap();
    }
    s.push_str("];\n");
    let radicals_path = out.join("radicals_table.rs");
    std::fs::write(&radicals_path, s).map_err(|e| format!("{}: {e}", radicals_path.display()))?;

    let data_path = ucd.join("UnicodeData.txt");
    let data =
        std::fs::read_to_string(&data_path).map_err(|e| format!("{}: {e}", data_path.display()))?;
    let compat = parse_compat(&data)?;
    let mut s = String::new();
    s.push_str(HEADER);
    writeln!(
        s,
        "// Source: UnicodeData.txt (Unicode {}), canonical singleton decompositions\n\
         // of the CJK Compatibility Ideographs block (U+F900..U+FAFF).\n",
        ucd_version(&ucd)
    )
    .unwrap();
    writeln!(
        s,
        "/// Compatibility ideograph -> its canonical (NFC) unified ideograph, sorted\n\
         /// ({} entries).",
        compat.len()
    )
    .unwrap();
    s.push_str("pub(crate) static COMPAT_IDEOGRAPHS: &[(char, char)] = &[\n");
    for (&src, &dst) in &compat {
        writeln!(
            s,
            "    ('\\u{{{src:04X}}}', '\\u{{{dst:04X}}}'), // {} -> {}",
            ch(src)?,
            ch(dst)?
        )
        .unwrap();
    }
    s.push_str("];\n");
    let compat_path = out.join("compat_table.rs");
    std::fs::write(&compat_path, s).map_err(|e| format!("{}: {e}", compat_path.display()))?;

    eprintln!(
        "wrote {} radical mappings to {} and {} compatibility ideographs to {}",
        radicals.len(),
        radicals_path.display(),
        compat.len(),
        compat_path.display()
    );
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("gen_radicals: {e}");
        std::process::exit(1);
    }
}
