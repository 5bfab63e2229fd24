//! The run-together splitter and the table solver: a one-line report whose table rows
//! carry digit runs made from the fuzz input (with stray spaces, decimals and units) —
//! parse → check → canonical JSON must never panic, and every cell read from a run must
//! be a sub-span of it.
#![no_main]

#[path = "common.rs"]
mod common;

use gongkai_model::schema::{ACTIVE_2021, REQUEST_ROWS};
use libfuzzer_sys::fuzz_target;

/// Digits, spaces and the odd separator from the input's bytes.
fn run(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| match b % 16 {
            0..=9 => char::from(b'0' + b % 16),
            10 => ' ',
            11 => '.',
            12 => '元',
            13 => '\u{a0}',
            14 => '-',
            _ => '0',
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    // Row lengths come from the input too: each row takes the next chunk.
    let mut chunks = data.chunks(9);
    let mut text = String::from("某局2024年政府信息公开工作年度报告一、总体情况全年制发规范性文件2件、废止1件。二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数");
    for def in ACTIVE_2021 {
        text.push_str(def.label);
        text.push_str(&run(chunks.next().unwrap_or(&[])));
    }
    text.push_str("三、收到和处理政府信息公开申请情况");
    for def in REQUEST_ROWS {
        text.push_str(def.label);
        text.push_str(&run(chunks.next().unwrap_or(&[])));
    }
    text.push_str("四、政府信息公开行政复议、行政诉讼情况行政复议总计");
    let rest: Vec<u8> = chunks.flatten().copied().take(40).collect();
    text.push_str(&run(&rest));
    text.push_str("五、存在的主要问题及改进情况无。六、其他需要报告的事项无。");
    common::parse_check_and_write(gongkai_parse::parse_text("flat.txt", text));
});
