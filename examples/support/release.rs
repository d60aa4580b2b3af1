//! The 5 KB press release the reader's benchmarks read: every part the extractor looks for
//! (headline, date, media contact block, dateline, quoted speaker, organizations), its quote
//! paragraph repeated with a counter so that its shingles differ.

/// A press release of about 5 KB.
pub fn press_release() -> String {
    let mut text = String::from(
        "Coalition Sues State Over New Voter ID Law\n\nMarch 2, 2022\n\nMedia Contact:\nJane Doe\n\
         Florida Immigrant Coalition\n213.977.5252\njane.doe@example.org\n\n\
         TALLAHASSEE— A coalition of civil rights groups filed a lawsuit today challenging the state's \
         new voter identification law.\n\n",
    );
    let mut n = 0;
    while text.len() < 5 * 1024 {
        n += 1;
        text.push_str(&format!(
            "“This law was written to keep eligible voters from casting a ballot in county {n}, and we \
             will not let it stand,” said Maria Lopez, executive director of the coalition. The complaint, \
             filed in the U.S. District Court, says the law burdens {n} thousand voters.\n\n"
        ));
    }
    text
}
