//! robots.txt (RFC 9309), as far as a fetcher of single pages needs it: the groups of a file,
//! which one applies to a product token, and whether a path may be fetched. Pure, no I/O.
//!
//! - A group is one or more `user-agent` lines and the `allow`/`disallow` rules after them;
//!   every group naming the product (case-insensitively) applies, merged; otherwise every `*`
//!   group; otherwise nothing is disallowed.
//! - The rule with the longest pattern that matches the path (with its query) decides, `allow`
//!   winning a tie; `*` matches any characters, a final `$` the end of the path. An empty
//!   `disallow` disallows nothing. `/robots.txt` itself is always allowed.
//! - Other lines (`sitemap`, `crawl-delay`, unknown ones, comments) are ignored.

/// The rules of one robots.txt file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Robots {
    groups: Vec<Group>,
    /// Everything is disallowed (the file could not be fetched because the server failed).
    disallow_all: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Group {
    agents: Vec<String>,
    rules: Vec<Rule>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    allow: bool,
    pattern: String,
}

impl Robots {
    /// A site without a robots.txt (4xx): everything allowed.
    pub fn allow_all() -> Self {
        Self::default()
    }

    /// A site whose robots.txt is unreachable (5xx, network failure): everything disallowed
    /// until it can be read (RFC 9309 §2.3.1.4).
    pub fn disallow_all() -> Self {
        Self {
            groups: Vec::new(),
            disallow_all: true,
        }
    }

    pub fn parse(text: &str) -> Self {
        let mut groups: Vec<Group> = Vec::new();
        let mut taking_agents = false;
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match name.trim().to_ascii_lowercase().as_str() {
                "user-agent" => {
                    if !taking_agents {
                        groups.push(Group::default());
                        taking_agents = true;
                    }
                    if let Some(group) = groups.last_mut() {
                        group.agents.push(value.to_ascii_lowercase());
                    }
                }
                rule @ ("allow" | "disallow") => {
                    taking_agents = false;
                    if let Some(group) = groups.last_mut() {
                        group.rules.push(Rule {
                            allow: rule == "allow",
                            pattern: value.to_owned(),
                        });
                    }
                }
                _ => {}
            }
        }
        Self {
            groups,
            disallow_all: false,
        }
    }

    /// Whether `product` (a user-agent product token, such as `provenance`) may fetch `path`
    /// (the URL's path and query).
    pub fn allows(&self, product: &str, path: &str) -> bool {
        if path == "/robots.txt" {
            return true;
        }
        if self.disallow_all {
            return false;
        }
        let product = product.to_ascii_lowercase();
        let named: Vec<&Group> = self
            .groups
            .iter()
            .filter(|group| group.agents.contains(&product))
            .collect();
        let groups = if named.is_empty() {
            self.groups
                .iter()
                .filter(|group| group.agents.iter().any(|agent| agent == "*"))
                .collect()
        } else {
            named
        };
        let best = groups
            .iter()
            .flat_map(|group| &group.rules)
            .filter(|rule| !rule.pattern.is_empty() && matches(&rule.pattern, path))
            .max_by_key(|rule| (rule.pattern.len(), rule.allow));
        best.is_none_or(|rule| rule.allow)
    }
}

/// Whether `pattern` (with `*` wildcards and an optional final `$`) matches the start of
/// `path`, or all of it when anchored.
fn matches(pattern: &str, path: &str) -> bool {
    let (pattern, anchored) = match pattern.strip_suffix('$') {
        Some(stripped) => (stripped, true),
        None => (pattern, false),
    };
    let parts: Vec<&str> = pattern.split('*').collect();
    let Some((first, rest)) = parts.split_first() else {
        return true;
    };
    let Some(mut tail) = path.strip_prefix(first) else {
        return false;
    };
    let Some((last, middle)) = rest.split_last() else {
        return !anchored || tail.is_empty();
    };
    for part in middle {
        match tail.find(part) {
            Some(at) => tail = &tail[at + part.len()..],
            None => return false,
        }
    }
    if anchored {
        tail.ends_with(last)
    } else {
        tail.contains(last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "\
# a comment
User-agent: *
Disallow: /private/
Allow: /private/press/
Disallow: /*.pdf$

User-agent: Provenance
User-agent: other-bot
Disallow: /drafts
Allow: /drafts/public$
Sitemap: https://example.org/sitemap.xml
";

    #[test]
    fn the_named_group_applies_to_its_product_and_star_to_the_others() {
        let robots = Robots::parse(FILE);
        assert!(!robots.allows("provenance", "/drafts/1"));
        assert!(robots.allows("provenance", "/drafts/public"));
        assert!(!robots.allows("provenance", "/drafts/public/2"), "anchored");
        assert!(
            robots.allows("provenance", "/private/x"),
            "the * group does not apply to a named product"
        );
        assert!(!robots.allows("somebot", "/private/x"));
        assert!(
            robots.allows("somebot", "/private/press/1"),
            "the longer allow wins"
        );
        assert!(!robots.allows("somebot", "/files/report.pdf"));
        assert!(
            robots.allows("somebot", "/files/report.pdf?x=1"),
            "$ anchors the end"
        );
        assert!(robots.allows("somebot", "/drafts/1"));
    }

    #[test]
    fn wildcards_ties_and_empty_rules() {
        let robots = Robots::parse("User-agent: *\nDisallow: /a*b*c\nAllow: /a*b*c\nDisallow:\n");
        assert!(robots.allows("x", "/a1b2c3"), "allow wins a tie");
        let robots = Robots::parse("User-agent: *\nDisallow: /a*b*c\n");
        assert!(!robots.allows("x", "/axxbyyczz"));
        assert!(robots.allows("x", "/axxcyyb"));
        let robots = Robots::parse("User-agent: *\nDisallow:\n");
        assert!(
            robots.allows("x", "/anything"),
            "an empty disallow disallows nothing"
        );
        let robots = Robots::parse("User-agent: *\nDisallow: /\n");
        assert!(!robots.allows("x", "/"));
        assert!(robots.allows("x", "/robots.txt"));
    }

    #[test]
    fn missing_and_unreachable_files() {
        assert!(Robots::allow_all().allows("provenance", "/x"));
        assert!(Robots::parse("").allows("provenance", "/x"));
        assert!(
            Robots::parse("Disallow: /\n").allows("provenance", "/x"),
            "a rule outside a group"
        );
        assert!(!Robots::disallow_all().allows("provenance", "/x"));
    }
}
