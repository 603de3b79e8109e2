//! What the deployed binary itself carries.

/// The security.txt block (solana-security-txt's format) survives the
/// offline link, so explorers and `query-security-txt` find where to report.
#[test]
fn the_program_carries_its_security_txt() {
    let so = std::fs::read(ilm_tests::so_path()).expect("read ilm.so");
    let text = String::from_utf8_lossy(&so);
    let begin = "=======BEGIN SECURITY.TXT V1=======\0";
    let end = "=======END SECURITY.TXT V1=======\0";
    let start = text.find(begin).expect("security.txt start") + begin.len();
    let len = text[start..].find(end).expect("security.txt end");
    let fields: Vec<&str> = text[start..start + len].split('\0').collect();
    for required in ["name", "project_url", "contacts", "policy"] {
        let at = fields.iter().position(|f| *f == required);
        assert!(
            at.is_some_and(|i| !fields[i + 1].is_empty()),
            "{required} missing"
        );
    }
    assert!(fields.contains(&"https://github.com/ilm-labs/ilm/blob/main/SECURITY.md"));
}
