//! A checker for the part of XML Schema (XSD 1.0) that the committed Jenkins JUnit schema
//! (`tests/fixtures/junit/jenkins-junit.xsd`) is written in, so the JUnit report is validated in-process, without
//! xmllint or libxml2. It reads the XSD itself and refuses a schema that uses anything it does not check, so a
//! document can never pass because the checker skipped a rule.
//!
//! Understood: a schema without a target namespace whose children are global `xs:element`s, each either of type
//! `xs:string` (text only) or with an inline `xs:complexType` (`mixed` or not) holding an optional `xs:sequence` of
//! `xs:element ref` particles (`minOccurs`, `maxOccurs`, each element at most once per sequence) and then
//! `xs:attribute`s of type `xs:string` (`use` optional or required). Comments are ignored; anything else is refused.

use roxmltree::{Document, Node};

const XS: &str = "http://www.w3.org/2001/XMLSchema";
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// A schema read from an XSD, in the subset above.
#[derive(Debug)]
pub struct Schema {
    /// The global element declarations, in the schema's order.
    elements: Vec<Element>,
}

#[derive(Debug)]
struct Element {
    name: String,
    content: Content,
}

#[derive(Debug)]
enum Content {
    /// `type="xs:string"`: text, no child elements, no attributes.
    Text,
    /// An inline `xs:complexType`.
    Complex { mixed: bool, sequence: Vec<Particle>, attributes: Vec<Attribute> },
}

/// `<xs:element ref="name" minOccurs=".." maxOccurs=".."/>` in a sequence.
#[derive(Debug)]
struct Particle {
    name: String,
    min: usize,
    /// `None` is `unbounded`.
    max: Option<usize>,
}

#[derive(Debug)]
struct Attribute {
    name: String,
    required: bool,
}

/// `node`'s place in its document, for messages: `<xs:element> (line 12)`.
fn at(node: Node) -> String {
    let line = node.document().text_pos_at(node.range().start).row;
    let prefix = if node.tag_name().namespace() == Some(XS) { "xs:" } else { "" };
    format!("<{prefix}{}> (line {line})", node.tag_name().name())
}

/// Fails unless every attribute of `node` is one of `allowed` (none in a namespace).
fn only_attributes(node: Node, allowed: &[&str]) -> Result<(), String> {
    match node.attributes().find(|a| a.namespace().is_some() || !allowed.contains(&a.name())) {
        Some(attribute) => Err(format!("{}: the attribute `{}` is not understood", at(node), attribute.name())),
        None => Ok(()),
    }
}

/// `node`'s child elements, which must all be XML Schema elements; fails on text that is not whitespace.
fn xs_children<'a, 'i>(node: Node<'a, 'i>) -> Result<Vec<Node<'a, 'i>>, String> {
    let mut children = Vec::new();
    for child in node.children() {
        if child.is_element() {
            if child.tag_name().namespace() != Some(XS) {
                return Err(format!("{}: not an XML Schema element", at(child)));
            }
            children.push(child);
        } else if child.is_text() && !child.text().unwrap_or_default().trim().is_empty() {
            return Err(format!("{}: text is not understood in an XML Schema element", at(node)));
        }
    }
    Ok(children)
}

fn required<'a>(node: Node<'a, '_>, attribute: &str) -> Result<&'a str, String> {
    node.attribute(attribute).ok_or_else(|| format!("{}: `{attribute}` is missing", at(node)))
}

/// Fails unless `node`'s `type` attribute names the built-in `xs:string`.
fn string_type(node: Node) -> Result<(), String> {
    let name = required(node, "type")?;
    let (prefix, local) = name.split_once(':').map_or((None, name), |(p, l)| (Some(p), l));
    if node.lookup_namespace_uri(prefix) == Some(XS) && local == "string" {
        Ok(())
    } else {
        Err(format!("{}: the type `{name}` is not understood (only xs:string is)", at(node)))
    }
}

fn occurs(node: Node, attribute: &str) -> Result<Option<usize>, String> {
    match node.attribute(attribute) {
        None => Ok(Some(1)),
        Some("unbounded") if attribute == "maxOccurs" => Ok(None),
        Some(n) => n.parse().map(Some).map_err(|_| format!("{}: `{attribute}=\"{n}\"` is not understood", at(node))),
    }
}

fn particle(node: Node) -> Result<Particle, String> {
    if node.tag_name().name() != "element" {
        return Err(format!("{}: only xs:element is understood in a sequence", at(node)));
    }
    only_attributes(node, &["ref", "minOccurs", "maxOccurs"])?;
    if !xs_children(node)?.is_empty() {
        return Err(format!("{}: a reference has no children", at(node)));
    }
    let name = required(node, "ref")?;
    // Without a target namespace, a reference names an element in no namespace: no prefix, no default namespace.
    if name.contains(':') || node.lookup_namespace_uri(None).is_some() {
        return Err(format!("{}: the reference `{name}` is not to an element in no namespace", at(node)));
    }
    let min = occurs(node, "minOccurs")?.unwrap_or_default();
    let max = occurs(node, "maxOccurs")?;
    if max.is_some_and(|max| max < min || max == 0) {
        return Err(format!("{}: maxOccurs is below minOccurs or zero", at(node)));
    }
    Ok(Particle { name: name.to_owned(), min, max })
}

fn attribute(node: Node) -> Result<Attribute, String> {
    if node.tag_name().name() != "attribute" {
        return Err(format!("{}: only xs:attribute is understood after the sequence", at(node)));
    }
    only_attributes(node, &["name", "type", "use"])?;
    if !xs_children(node)?.is_empty() {
        return Err(format!("{}: an attribute declaration with children is not understood", at(node)));
    }
    string_type(node)?;
    let required = match node.attribute("use") {
        None | Some("optional") => false,
        Some("required") => true,
        Some(other) => return Err(format!("{}: `use=\"{other}\"` is not understood", at(node))),
    };
    Ok(Attribute { name: required_name(node)?, required })
}

fn required_name(node: Node) -> Result<String, String> {
    required(node, "name").map(str::to_owned)
}

fn complex_type(node: Node) -> Result<Content, String> {
    only_attributes(node, &["mixed"])?;
    let mixed = match node.attribute("mixed") {
        None | Some("false" | "0") => false,
        Some("true" | "1") => true,
        Some(other) => return Err(format!("{}: `mixed=\"{other}\"` is not understood", at(node))),
    };
    let mut children = xs_children(node)?.into_iter().peekable();
    let mut sequence = Vec::new();
    if let Some(group) = children.next_if(|c| c.tag_name().name() == "sequence") {
        only_attributes(group, &[])?;
        for child in xs_children(group)? {
            let particle = particle(child)?;
            // Matching a sequence greedily is right only while no element can match two particles.
            if sequence.iter().any(|p: &Particle| p.name == particle.name) {
                return Err(format!("{}: `{}` twice in one sequence is not understood", at(child), particle.name));
            }
            sequence.push(particle);
        }
    }
    let attributes = children.map(attribute).collect::<Result<Vec<_>, _>>()?;
    Ok(Content::Complex { mixed, sequence, attributes })
}

fn global_element(node: Node) -> Result<Element, String> {
    if node.tag_name().name() != "element" {
        return Err(format!("{}: only xs:element is understood at the top of a schema", at(node)));
    }
    only_attributes(node, &["name", "type"])?;
    let children = xs_children(node)?;
    let content = match (node.attribute("type"), children.as_slice()) {
        (Some(_), []) => {
            string_type(node)?;
            Content::Text
        }
        (None, [child]) if child.tag_name().name() == "complexType" => complex_type(*child)?,
        _ => return Err(format!("{}: only a type attribute or one inline xs:complexType is understood", at(node))),
    };
    Ok(Element { name: required_name(node)?, content })
}

impl Schema {
    /// Reads an XSD; fails on anything outside the subset this checker understands.
    pub fn parse(xsd: &str) -> Result<Schema, String> {
        let document = Document::parse(xsd).map_err(|e| format!("the schema is not XML: {e}"))?;
        let root = document.root_element();
        if root.tag_name().namespace() != Some(XS) || root.tag_name().name() != "schema" {
            return Err(format!("{}: not an xs:schema", at(root)));
        }
        // No targetNamespace, elementFormDefault, blockDefault… : each would change what is valid.
        only_attributes(root, &[])?;
        let mut elements: Vec<Element> = Vec::new();
        for child in xs_children(root)? {
            let element = global_element(child)?;
            if elements.iter().any(|e| e.name == element.name) {
                return Err(format!("{}: `{}` is declared twice", at(child), element.name));
            }
            elements.push(element);
        }
        let schema = Schema { elements };
        for element in &schema.elements {
            if let Content::Complex { sequence, .. } = &element.content {
                if let Some(p) = sequence.iter().find(|p| schema.element(&p.name).is_none()) {
                    return Err(format!(
                        "<{}> refers to `{}`, which the schema does not declare",
                        element.name, p.name
                    ));
                }
            }
        }
        Ok(schema)
    }

    fn element(&self, name: &str) -> Option<&Element> {
        self.elements.iter().find(|e| e.name == name)
    }

    /// What is wrong with `xml` against the schema, one message per problem; empty when it validates.
    pub fn validate(&self, xml: &str) -> Vec<String> {
        let document = match Document::parse(xml) {
            Ok(document) => document,
            Err(e) => return vec![format!("not well-formed XML: {e}")],
        };
        let root = document.root_element();
        let mut errors = Vec::new();
        let path = format!("/{}", root.tag_name().name());
        match (root.tag_name().namespace(), self.element(root.tag_name().name())) {
            (None, Some(element)) => self.check(root, element, &path, &mut errors),
            (None, None) => errors.push(format!("{path}: the schema declares no element <{}>", root.tag_name().name())),
            (Some(namespace), _) => {
                errors.push(format!("{path}: the root is in the namespace {namespace}, the schema's elements in none"));
            }
        }
        errors
    }

    /// Checks `node` against its declaration `element`, and its children against theirs.
    fn check(&self, node: Node, element: &Element, path: &str, errors: &mut Vec<String>) {
        let line = node.document().text_pos_at(node.range().start).row;
        let here = format!("{path} (line {line})");
        let name = &element.name;
        let (mixed, sequence, declared): (bool, &[Particle], &[Attribute]) = match &element.content {
            Content::Text => (true, &[], &[]),
            Content::Complex { mixed, sequence, attributes } => (*mixed, sequence, attributes),
        };
        for attribute in node.attributes() {
            if attribute.namespace() == Some(XSI) {
                // Where to find a schema is a hint that changes nothing; xsi:type and xsi:nil would, and are unchecked.
                if !["schemaLocation", "noNamespaceSchemaLocation"].contains(&attribute.name()) {
                    errors.push(format!("{here}: xsi:{} is not understood by this checker", attribute.name()));
                }
            } else if attribute.namespace().is_some() || !declared.iter().any(|d| d.name == attribute.name()) {
                let names = declared.iter().map(|d| d.name.as_str()).collect::<Vec<_>>().join(", ");
                let names = if names.is_empty() { "none".to_owned() } else { names };
                errors.push(format!(
                    "{here}: attribute '{}' is not allowed on <{name}> (the schema declares: {names})",
                    attribute.name()
                ));
            }
        }
        for missing in declared.iter().filter(|d| d.required && node.attribute(d.name.as_str()).is_none()) {
            errors.push(format!("{here}: required attribute '{}' is missing on <{name}>", missing.name));
        }

        let empty = matches!(element.content, Content::Complex { mixed: false, .. }) && sequence.is_empty();
        let mut children = Vec::new();
        for child in node.children() {
            if child.is_element() {
                children.push(child);
            } else if child.is_text() && !mixed {
                let text = child.text().unwrap_or_default();
                if empty {
                    errors.push(format!("{here}: <{name}> must be empty, found the text {text:?}"));
                } else if !text.trim().is_empty() {
                    errors.push(format!("{here}: text is not allowed in <{name}>: {:?}", text.trim()));
                }
            }
        }

        // Each particle in order takes as many of the next children of its name as it may (no element can match
        // two particles, so greedy is exact); whatever is left over is out of place.
        let mut next = 0;
        for particle in sequence {
            let mut taken = 0;
            while next < children.len()
                && particle.max.is_none_or(|max| taken < max)
                && children[next].tag_name().namespace().is_none()
                && children[next].tag_name().name() == particle.name
            {
                let child = children[next];
                let declaration = self.element(&particle.name).expect("references resolve (checked in parse)");
                // A name is in one particle only, so its elements here are consecutive: this is number `taken + 1`.
                self.check(child, declaration, &format!("{path}/{}[{}]", particle.name, taken + 1), errors);
                next += 1;
                taken += 1;
            }
            if taken < particle.min {
                errors.push(format!(
                    "{here}: <{name}> needs at least {} <{}> at this point, found {taken}",
                    particle.min, particle.name
                ));
            }
        }
        if let Some(&child) = children.get(next) {
            let line = node.document().text_pos_at(child.range().start).row;
            let allowed = sequence.iter().map(describe).collect::<Vec<_>>().join(", ");
            let allowed =
                if allowed.is_empty() { "no child elements".to_owned() } else { format!("in order: {allowed}") };
            errors.push(format!(
                "{path}/{} (line {line}): element <{}> is not allowed here; <{name}> allows {allowed}",
                child.tag_name().name(),
                child.tag_name().name()
            ));
        }
    }
}

/// A particle as a regular-expression-like item: `testcase*`, `skipped?`, `property+`.
fn describe(particle: &Particle) -> String {
    let suffix = match (particle.min, particle.max) {
        (1, Some(1)) => String::new(),
        (0, Some(1)) => "?".to_owned(),
        (0, None) => "*".to_owned(),
        (1, None) => "+".to_owned(),
        (min, None) => format!("{{{min},}}"),
        (min, Some(max)) => format!("{{{min},{max}}}"),
    };
    format!("{}{suffix}", particle.name)
}

#[test]
fn the_checker_refuses_a_schema_construct_it_does_not_understand() {
    let schema = |body: &str| format!(r#"<xs:schema xmlns:xs="{XS}">{body}</xs:schema>"#);
    for (body, refused) in [
        (r#"<xs:element name="a" type="xs:int"/>"#, "the type `xs:int` is not understood"),
        (r#"<xs:element name="a" type="xs:string" nillable="true"/>"#, "the attribute `nillable` is not understood"),
        (
            r#"<xs:element name="a"><xs:complexType><xs:choice/></xs:complexType></xs:element>"#,
            "<xs:choice> (line 1): only xs:attribute is understood",
        ),
        (
            r#"<xs:element name="a"><xs:complexType><xs:sequence><xs:any/></xs:sequence></xs:complexType></xs:element>"#,
            "<xs:any> (line 1): only xs:element is understood in a sequence",
        ),
        (
            r#"<xs:element name="a"><xs:complexType><xs:attribute name="b" type="xs:string" default="c"/></xs:complexType></xs:element>"#,
            "the attribute `default` is not understood",
        ),
        (r#"<xs:simpleType name="t"/>"#, "only xs:element is understood at the top of a schema"),
        (
            r#"<xs:element name="a"><xs:complexType><xs:sequence><xs:element ref="b"/></xs:sequence></xs:complexType></xs:element>"#,
            "refers to `b`, which the schema does not declare",
        ),
    ] {
        let error = Schema::parse(&schema(body)).expect_err(body);
        assert!(error.contains(refused), "{body}: {error}");
    }
    let error = Schema::parse(&format!(r#"<xs:schema xmlns:xs="{XS}" targetNamespace="urn:x"/>"#)).unwrap_err();
    assert!(error.contains("the attribute `targetNamespace` is not understood"), "{error}");
}

#[test]
fn the_checker_enforces_order_occurrences_text_and_attributes() {
    let schema = Schema::parse(&format!(
        r#"<xs:schema xmlns:xs="{XS}">
            <xs:element name="leaf" type="xs:string"/>
            <xs:element name="empty"><xs:complexType><xs:attribute name="id" type="xs:string" use="required"/></xs:complexType></xs:element>
            <xs:element name="root"><xs:complexType><xs:sequence>
                <xs:element ref="leaf" minOccurs="1" maxOccurs="2"/>
                <xs:element ref="empty" minOccurs="0" maxOccurs="unbounded"/>
            </xs:sequence></xs:complexType></xs:element>
        </xs:schema>"#
    ))
    .unwrap();
    let valid = format!(
        "<root xmlns:xsi='{XSI}' xsi:noNamespaceSchemaLocation='s.xsd'><leaf>a</leaf>\n<empty id='1'/><empty id='2'/></root>"
    );
    assert_eq!(schema.validate(&valid), Vec::<String>::new());
    for (xml, wanted) in [
        ("<root/>", "/root (line 1): <root> needs at least 1 <leaf> at this point, found 0"),
        ("<root><leaf/><leaf/><leaf/></root>", "/root/leaf (line 1): element <leaf> is not allowed here"),
        ("<root><empty id='1'/><leaf/></root>", "needs at least 1 <leaf>"),
        ("<root><leaf/><empty id='1'/><leaf/></root>", "allows in order: leaf{1,2}, empty*"),
        ("<root><leaf/>words</root>", "/root (line 1): text is not allowed in <root>: \"words\""),
        (
            "<root><leaf/><empty id='1'> </empty></root>",
            "/root/empty[1] (line 1): <empty> must be empty, found the text \" \"",
        ),
        ("<root><leaf/><empty/></root>", "/root/empty[1] (line 1): required attribute 'id' is missing on <empty>"),
        ("<root><leaf x='1'/></root>", "attribute 'x' is not allowed on <leaf> (the schema declares: none)"),
        ("<root><leaf><empty id='1'/></leaf></root>", "element <empty> is not allowed here; <leaf> allows no child"),
        ("<leaf xmlns='urn:x'/>", "/leaf: the root is in the namespace urn:x, the schema's elements in none"),
        ("<other/>", "/other: the schema declares no element <other>"),
        (
            &format!("<leaf xmlns:xsi='{XSI}' xsi:nil='true'/>"),
            "/leaf (line 1): xsi:nil is not understood by this checker",
        ),
        ("<root>", "not well-formed XML"),
    ] {
        let errors = schema.validate(xml).join("\n");
        assert!(errors.contains(wanted), "{xml}: {errors}");
    }
}
