//! Any bytes as an uploaded Excel 台账 (the workspace takes them from agency staff):
//! reading it, planning it into an empty ledger and writing what was read must never
//! panic, and what was read must read back the same.
#![no_main]

use gongkai_deadline::Calendar;
use gongkai_ledger::{Ledger, Request};
use gongkai_ledger_sheet::{export, import, plan, Mapping};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(sheet) = import(data, &Mapping::default()) else {
        return;
    };
    let read: Vec<Request> = sheet.requests.iter().map(|(_, r)| r.clone()).collect();
    let _ = plan(&Ledger::default(), &Calendar::official(), sheet);
    let ledger = Ledger {
        requests: read.clone(),
        ..Ledger::default()
    };
    let again = import(&export(&ledger).expect("export of what was read"), &Mapping::default())
        .expect("an exported sheet reads");
    assert_eq!(again.requests.len(), read.len());
});
