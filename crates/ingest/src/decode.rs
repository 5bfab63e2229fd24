//! Text bytes → text: BOM, else UTF-8, else GB18030 (a superset of GBK and GB2312,
//! which Chinese government sites still use).
//!
//! One stray byte must not cost a whole report: a byte that is not valid in the
//! encoding (a `\xff`, a character cut off at the end of the file) or a NUL is replaced
//! by U+FFFD and recorded with its offset, so the reader sees a doubt instead of a
//! refusal. Only when the bytes are not text in any encoding we read — many invalid
//! sequences — is the file refused.

use encoding_rs::{DecoderResult, Encoding, GB18030, UTF_8};
use gongkai_model::Location;

/// The bytes are not text in any encoding we read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Undecodable;

/// Bytes replaced by U+FFFD while decoding.
#[derive(Clone, Debug, PartialEq)]
pub struct Replaced {
    /// Byte offset of the first replaced byte in the file.
    pub offset: usize,
    /// The bytes replaced (one invalid sequence, or one NUL).
    pub bytes: Vec<u8>,
    /// Where the replacement character stands in the decoded text.
    pub location: Location,
}

impl Replaced {
    /// The bytes as `\xFF\x00`.
    pub fn bytes_escaped(&self) -> String {
        self.bytes.iter().map(|b| format!("\\x{b:02X}")).collect()
    }
}

/// Text decoded, with what had to be replaced.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    pub text: String,
    /// "UTF-8", "GB18030", "UTF-16LE" …
    pub encoding: &'static str,
    pub replaced: Vec<Replaced>,
}

/// Decode text bytes exactly: an error when any byte had to be replaced.
pub fn decode(bytes: &[u8]) -> Result<(String, &'static str), Undecodable> {
    let d = decode_lossy(bytes)?;
    if d.replaced.is_empty() {
        Ok((d.text, d.encoding))
    } else {
        Err(Undecodable)
    }
}

/// Decode text bytes, replacing a few invalid bytes (see the module doc). The encoding
/// is the BOM's, else UTF-8 when its invalid sequences are few beside its valid
/// multibyte characters, else GB18030 when at most three sequences are invalid (any
/// byte soup decodes as GB18030 with only a few errors, so it is held to less); else
/// the bytes are [`Undecodable`]. NULs are stray bytes in any encoding: they are
/// replaced and reported but are no evidence against one.
pub fn decode_lossy(bytes: &[u8]) -> Result<Decoded, Undecodable> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let attempt = Attempt::run(enc, bytes, bom_len);
        let plausible = attempt.plausible_utf();
        return attempt.accept(plausible).ok_or(Undecodable);
    }
    let utf8 = Attempt::run(UTF_8, bytes, 0);
    if utf8.malformed == 0 {
        return utf8.accept(true).ok_or(Undecodable);
    }
    // A UTF-8 text with one stray byte often decodes as GB18030 without an error (as
    // mojibake): its valid multibyte UTF-8 characters say which it is.
    if utf8.plausible_utf() {
        return utf8.accept(true).ok_or(Undecodable);
    }
    let gb = Attempt::run(GB18030, bytes, 0);
    let plausible = gb.malformed <= 3 && gb.non_ascii >= gb.malformed * 8;
    gb.accept(plausible).ok_or(Undecodable)
}

/// One encoding tried over the bytes.
struct Attempt {
    text: String,
    encoding: &'static str,
    /// Non-ASCII characters decoded (the evidence that this is the encoding).
    non_ascii: usize,
    /// Sequences invalid in the encoding (NULs not counted).
    malformed: usize,
    /// `(file offset, bytes, offset of the U+FFFD in text)`.
    spots: Vec<(usize, Vec<u8>, usize)>,
}

impl Attempt {
    fn run(enc: &'static Encoding, bytes: &[u8], start: usize) -> Attempt {
        // A NUL is a character in UTF-16; in the byte encodings it is a stray byte, and
        // the text either side of it is decoded on its own.
        let nul_is_stray = enc == UTF_8 || enc == GB18030;
        let mut text = String::new();
        let mut spots = Vec::new();
        let mut pos = start;
        loop {
            let end = match nul_is_stray {
                true => memchr_zero(&bytes[pos..]).map_or(bytes.len(), |i| pos + i),
                false => bytes.len(),
            };
            decode_segment(enc, bytes, pos, end, &mut text, &mut spots);
            if end == bytes.len() {
                break;
            }
            spots.push((end, vec![0], text.len()));
            text.push('\u{FFFD}');
            pos = end + 1;
        }
        let non_ascii = text.chars().filter(|c| !c.is_ascii()).count();
        let malformed = spots.iter().filter(|s| s.1 != [0]).count();
        Attempt {
            malformed,
            non_ascii: non_ascii.saturating_sub(spots.len()),
            text,
            encoding: if enc == GB18030 {
                "GB18030"
            } else {
                enc.name()
            },
            spots,
        }
    }

    /// Few invalid sequences beside the valid multibyte characters: at most one in
    /// fifty, or up to three in a short text with four valid characters for each.
    fn plausible_utf(&self) -> bool {
        self.malformed.saturating_mul(50) <= self.non_ascii
            || (self.malformed <= 3 && self.non_ascii >= self.malformed * 4)
    }

    fn accept(self, plausible: bool) -> Option<Decoded> {
        if self.malformed > 0 && !plausible {
            return None;
        }
        let locations = locate(&self.text, self.spots.iter().map(|s| s.2));
        let replaced = self
            .spots
            .into_iter()
            .zip(locations)
            .map(|((offset, bytes, _), location)| Replaced {
                offset,
                bytes,
                location,
            })
            .collect();
        Some(Decoded {
            text: self.text,
            encoding: self.encoding,
            replaced,
        })
    }
}

fn memchr_zero(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == 0)
}

/// Decode `bytes[from..to]` as a whole (a sequence left open at its end is invalid),
/// appending to `text` and recording each invalid sequence replaced.
fn decode_segment(
    enc: &'static Encoding,
    bytes: &[u8],
    from: usize,
    to: usize,
    text: &mut String,
    spots: &mut Vec<(usize, Vec<u8>, usize)>,
) {
    let mut decoder = enc.new_decoder_without_bom_handling();
    let mut src = &bytes[from..to];
    let mut base = from;
    loop {
        let need = decoder
            .max_utf8_buffer_length_without_replacement(src.len())
            .unwrap_or(src.len().saturating_mul(3))
            .max(4);
        text.reserve(need);
        let (result, read) = decoder.decode_to_string_without_replacement(src, text, true);
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => {}
            DecoderResult::Malformed(bad, after) => {
                let bad_end = (base + read).saturating_sub(after as usize).max(from);
                let bad_start = bad_end.saturating_sub(bad as usize).max(from);
                spots.push((bad_start, bytes[bad_start..bad_end].to_vec(), text.len()));
                text.push('\u{FFFD}');
            }
        }
        src = &src[read..];
        base += read;
    }
}

/// Locations of the U+FFFD at the given (ascending) byte offsets of `text`.
fn locate(text: &str, at: impl Iterator<Item = usize>) -> Vec<Location> {
    let mut out = Vec::new();
    let (mut line, mut column) = (1u32, 1u32);
    let mut chars = text.char_indices().peekable();
    for target in at {
        while let Some(&(i, c)) = chars.peek() {
            if i >= target {
                break;
            }
            if c == '\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
            chars.next();
        }
        out.push(Location::Text {
            start: target as u32,
            end: (target + '\u{FFFD}'.len_utf8()) as u32,
            line,
            column,
            end_column: column + 1,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spots(d: &Decoded) -> Vec<(usize, String, u32, u32)> {
        d.replaced
            .iter()
            .map(|r| {
                let Location::Text { line, column, .. } = r.location else {
                    panic!("text location");
                };
                (r.offset, r.bytes_escaped(), line, column)
            })
            .collect()
    }

    #[test]
    fn a_stray_byte_is_replaced_and_located() {
        let mut bytes = "一、总体情况\n本机关".as_bytes().to_vec();
        bytes.push(0xFF);
        bytes.extend("收到申请".as_bytes());
        let d = decode_lossy(&bytes).unwrap();
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.text, "一、总体情况\n本机关\u{FFFD}收到申请");
        assert_eq!(spots(&d), vec![(28, "\\xFF".to_string(), 2, 4)]);
        assert_eq!(decode(&bytes), Err(Undecodable));
    }

    #[test]
    fn a_nul_and_a_character_cut_at_the_end() {
        let mut bytes = "一、总体情况\0\n".as_bytes().to_vec();
        bytes.extend(&"年报".as_bytes()[..5]);
        let d = decode_lossy(&bytes).unwrap();
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.text, "一、总体情况\u{FFFD}\n年\u{FFFD}");
        assert_eq!(
            spots(&d),
            vec![
                (18, "\\x00".to_string(), 1, 7),
                (23, "\\xE6\\x8A".to_string(), 2, 2)
            ]
        );
    }

    #[test]
    fn gb18030_with_a_stray_byte() {
        let (gbk, _, _) = GB18030.encode("政府信息公开工作年度报告，本年度共收到申请十二件");
        let mut bytes = gbk.to_vec();
        bytes.push(0xFF);
        let d = decode_lossy(&bytes).unwrap();
        assert_eq!(d.encoding, "GB18030");
        assert_eq!(
            d.text,
            "政府信息公开工作年度报告，本年度共收到申请十二件\u{FFFD}"
        );
        assert_eq!(spots(&d), vec![(48, "\\xFF".to_string(), 1, 25)]);
    }

    #[test]
    fn binary_is_still_refused() {
        let noise: Vec<u8> = (0..4000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8 | 0x80)
            .collect();
        assert_eq!(decode_lossy(&noise), Err(Undecodable));
    }

    #[test]
    fn clean_text_has_nothing_replaced() {
        let d = decode_lossy("年报".as_bytes()).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("年报", "UTF-8"));
        assert!(d.replaced.is_empty());
        assert_eq!(decode_lossy(b"").unwrap().text, "");
    }
}
