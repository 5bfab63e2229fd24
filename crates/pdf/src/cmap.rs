//! ToUnicode CMaps: how a font's character codes map to Unicode text, and how many
//! bytes each code takes (the codespace ranges).
//!
//! Only what text extraction needs is read: `begincodespacerange`, `beginbfchar` and
//! `beginbfrange` (both the incrementing form and the array form). Everything else in
//! the CMap (usecmap, CIDSystemInfo, …) is PostScript we skip.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::lexer::{Lexer, Operand, Token};

/// A byte-length class of codes: codes of `len` bytes between `lo` and `hi`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodeRange {
    pub len: u8,
    pub lo: u32,
    pub hi: u32,
}

/// How to split a byte string into codes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Codespace {
    pub ranges: Vec<CodeRange>,
}

impl Codespace {
    /// Fixed-width codes of `len` bytes.
    pub fn fixed(len: u8) -> Codespace {
        let hi = if len >= 4 {
            u32::MAX
        } else {
            (1u32 << (8 * u32::from(len))) - 1
        };
        Codespace {
            ranges: vec![CodeRange { len, lo: 0, hi }],
        }
    }

    /// The codes of the predefined GBK CMaps (GBK-EUC-H, GBKp-EUC-H …): one byte up to
    /// 0x80, two bytes from 0x8140 to 0xFEFE.
    pub fn gbk() -> Codespace {
        Codespace {
            ranges: vec![
                CodeRange {
                    len: 1,
                    lo: 0,
                    hi: 0x80,
                },
                CodeRange {
                    len: 2,
                    lo: 0x8140,
                    hi: 0xFEFE,
                },
            ],
        }
    }

    /// The next code of `bytes` at `pos`: (code, byte length). Bytes that fit no range
    /// are taken one at a time as the shortest range length, as viewers do.
    pub fn next_code(&self, bytes: &[u8], pos: usize) -> (u32, usize) {
        if self.ranges.is_empty() {
            return (u32::from(bytes[pos]), 1);
        }
        let mut code = 0u32;
        for n in 1..=4usize {
            let Some(&b) = bytes.get(pos + n - 1) else {
                break;
            };
            code = code << 8 | u32::from(b);
            if self
                .ranges
                .iter()
                .any(|r| usize::from(r.len) == n && r.lo <= code && code <= r.hi)
            {
                return (code, n);
            }
        }
        // No range matched: use the shortest length, per the CMap rules.
        let n = self
            .ranges
            .iter()
            .map(|r| usize::from(r.len))
            .min()
            .unwrap_or(1)
            .clamp(1, bytes.len() - pos);
        let code = bytes[pos..pos + n]
            .iter()
            .fold(0u32, |c, &b| c << 8 | u32::from(b));
        (code, n)
    }
}

/// A bfrange too large to expand into the map.
#[derive(Clone, Debug)]
struct Range {
    lo: u32,
    hi: u32,
    /// UTF-16 code units of the destination of `lo`; the last unit increments.
    dst: Vec<u16>,
}

/// A parsed ToUnicode CMap.
#[derive(Clone, Debug, Default)]
pub struct ToUnicode {
    pub codespace: Codespace,
    map: HashMap<u32, String>,
    ranges: Vec<Range>,
}

/// Ranges up to this many codes are expanded into the map; larger ones stay ranges.
const EXPAND_LIMIT: u32 = 512;
/// Hostile CMaps could declare millions of entries: stop reading there.
const MAX_ENTRIES: usize = 200_000;

fn be_code(b: &[u8]) -> u32 {
    b.iter().take(4).fold(0u32, |c, &x| c << 8 | u32::from(x))
}

fn utf16_units(b: &[u8]) -> Vec<u16> {
    b.chunks(2)
        .map(|c| {
            if c.len() == 2 {
                u16::from_be_bytes([c[0], c[1]])
            } else {
                u16::from(c[0])
            }
        })
        .collect()
}

fn units_to_string(units: &[u16]) -> String {
    char::decode_utf16(units.iter().copied())
        .map(|r| r.unwrap_or('\u{FFFD}'))
        .collect()
}

impl ToUnicode {
    pub fn parse(data: &[u8]) -> ToUnicode {
        let mut cmap = ToUnicode::default();
        let mut lex = Lexer::new(data);
        let mut operands: Vec<Operand> = Vec::new();
        #[derive(PartialEq)]
        enum Section {
            None,
            Codespace,
            BfChar,
            BfRange,
        }
        let mut section = Section::None;
        let mut entries = 0usize;
        while let Some(tok) = lex.next_token() {
            match tok {
                Token::Operand(o) => {
                    if section == Section::None {
                        continue;
                    }
                    operands.push(o);
                    match section {
                        Section::Codespace if operands.len() == 2 => {
                            if let (Operand::Str(lo), Operand::Str(hi)) =
                                (&operands[0], &operands[1])
                            {
                                if !lo.is_empty() && lo.len() <= 4 {
                                    cmap.codespace.ranges.push(CodeRange {
                                        len: lo.len() as u8,
                                        lo: be_code(lo),
                                        hi: be_code(hi),
                                    });
                                }
                            }
                            operands.clear();
                        }
                        Section::BfChar if operands.len() == 2 => {
                            match (&operands[0], &operands[1]) {
                                (Operand::Str(src), Operand::Str(dst)) => {
                                    cmap.map
                                        .insert(be_code(src), units_to_string(&utf16_units(dst)));
                                }
                                (Operand::Str(src), Operand::Name(name)) => {
                                    if let Some(c) = crate::encoding::glyph_name_to_char(name) {
                                        cmap.map.insert(be_code(src), c.to_string());
                                    }
                                }
                                _ => {}
                            }
                            entries += 1;
                            operands.clear();
                        }
                        Section::BfRange if operands.len() == 3 => {
                            cmap.add_range(&operands);
                            entries += 1;
                            operands.clear();
                        }
                        _ => {}
                    }
                    if entries > MAX_ENTRIES {
                        break;
                    }
                }
                Token::Operator(op) => {
                    operands.clear();
                    section = match op {
                        b"begincodespacerange" => Section::Codespace,
                        b"beginbfchar" => Section::BfChar,
                        b"beginbfrange" => Section::BfRange,
                        _ => Section::None,
                    };
                }
            }
        }
        cmap
    }

    fn add_range(&mut self, ops: &[Operand]) {
        let (Operand::Str(lo), Operand::Str(hi)) = (&ops[0], &ops[1]) else {
            return;
        };
        let (lo, hi) = (be_code(lo), be_code(hi));
        if hi < lo {
            return;
        }
        match &ops[2] {
            Operand::Str(dst) => {
                let units = utf16_units(dst);
                if units.is_empty() {
                    return;
                }
                if hi - lo < EXPAND_LIMIT {
                    for (i, code) in (lo..=hi).enumerate() {
                        let mut u = units.clone();
                        if let Some(last) = u.last_mut() {
                            *last = last.wrapping_add(i as u16);
                        }
                        self.map.insert(code, units_to_string(&u));
                    }
                } else {
                    self.ranges.push(Range { lo, hi, dst: units });
                }
            }
            Operand::Array(items) => {
                for (i, item) in items.iter().enumerate().take(EXPAND_LIMIT as usize * 4) {
                    let code = lo.saturating_add(i as u32);
                    if code > hi {
                        break;
                    }
                    if let Operand::Str(dst) = item {
                        self.map.insert(code, units_to_string(&utf16_units(dst)));
                    }
                }
            }
            _ => {}
        }
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty() && self.ranges.is_empty()
    }

    /// The text of `code`, if the CMap maps it.
    pub fn get(&self, code: u32) -> Option<Cow<'_, str>> {
        if let Some(s) = self.map.get(&code) {
            return Some(Cow::Borrowed(s.as_str()));
        }
        let r = self.ranges.iter().find(|r| r.lo <= code && code <= r.hi)?;
        let mut u = r.dst.clone();
        if let Some(last) = u.last_mut() {
            *last = last.wrapping_add((code - r.lo) as u16);
        }
        Some(Cow::Owned(units_to_string(&u)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CMAP: &str = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CMapName /Adobe-Identity-UCS def
1 begincodespacerange <0000> <FFFF> endcodespacerange
2 beginbfchar <0003> <0020> <0611> <4E00> endbfchar
2 beginbfrange <0010> <0012> <0030> <0020> <0021> [<4E8C> <D840DC00>] endbfrange
1 beginbfrange <1000> <2000> <5000> endbfrange
endcmap CMapName currentdict /CMap defineresource pop end end";

    #[test]
    fn bfchar_and_bfrange() {
        let c = ToUnicode::parse(CMAP.as_bytes());
        assert_eq!(c.codespace, Codespace::fixed(2));
        assert_eq!(c.get(0x0611).as_deref(), Some("一"));
        assert_eq!(c.get(0x0011).as_deref(), Some("1"));
        assert_eq!(c.get(0x0012).as_deref(), Some("2"));
        assert_eq!(c.get(0x0020).as_deref(), Some("二"));
        assert_eq!(c.get(0x0021).as_deref(), Some("\u{20000}"));
        assert_eq!(c.get(0x1001).as_deref(), Some("\u{5001}"));
        assert_eq!(c.get(0x9999), None);
    }

    #[test]
    fn mixed_codespace() {
        let cs = Codespace::gbk();
        let b = [0x41, 0xB0, 0xA1, 0x42];
        assert_eq!(cs.next_code(&b, 0), (0x41, 1));
        assert_eq!(cs.next_code(&b, 1), (0xB0A1, 2));
        assert_eq!(cs.next_code(&b, 3), (0x42, 1));
    }
}
