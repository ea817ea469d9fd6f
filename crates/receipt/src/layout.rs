//! A small page-layout engine over krilla: A4 pages, DejaVu Sans, text measured with the font's
//! own advance widths, greedy line wrapping, blocks that are kept on one page when they fit on
//! one, and a "Sida x av N" footer written once the page count is known.
//!
//! Layout and drawing are separate passes: the documents are laid out into [`Op`]s per page
//! first, so the footer can name the final page count and tests can reason about positions.

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, MetadataProvider};

use crate::ReceiptError;

/// A4 in PDF points.
pub(crate) const PAGE_WIDTH: f32 = 595.28;
/// A4 in PDF points.
pub(crate) const PAGE_HEIGHT: f32 = 841.89;
/// Left and right margin.
pub(crate) const MARGIN_X: f32 = 50.0;
/// Top margin.
const MARGIN_TOP: f32 = 50.0;
/// Space kept free at the bottom for the footer.
const MARGIN_BOTTOM: f32 = 60.0;
/// The usable width between the margins.
pub(crate) const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN_X;

/// Regular or bold DejaVu Sans.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

/// One drawing operation, positioned relative to the top of its [`Strip`] (while laying out)
/// or to the top of the page (once placed).
#[derive(Clone, Debug)]
pub(crate) enum Op {
    /// Text with its baseline at `y`.
    Text {
        x: f32,
        y: f32,
        size: f32,
        weight: Weight,
        gray: u8,
        text: String,
    },
    /// A horizontal rule.
    Rule {
        x1: f32,
        x2: f32,
        y: f32,
        width: f32,
    },
    /// A filled rectangle (a light background behind important text).
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: (u8, u8, u8),
    },
}

impl Op {
    fn shifted(&self, dy: f32) -> Op {
        let mut op = self.clone();
        match &mut op {
            Op::Text { y, .. } | Op::Rule { y, .. } | Op::Rect { y, .. } => *y += dy,
        }
        op
    }
}

/// An unbreakable horizontal strip of content: never split across pages.
#[derive(Clone, Debug, Default)]
pub(crate) struct Strip {
    pub(crate) height: f32,
    pub(crate) ops: Vec<Op>,
}

/// The two faces, parsed once, with their metrics for measuring.
pub(crate) struct Fonts {
    regular: Font,
    bold: Font,
    regular_ref: FontRef<'static>,
    bold_ref: FontRef<'static>,
}

impl Fonts {
    pub(crate) fn load() -> Result<Self, ReceiptError> {
        let regular_bytes: &'static [u8] = dejavu::sans::regular();
        let bold_bytes: &'static [u8] = dejavu::sans::bold();
        Ok(Self {
            regular: Font::new(regular_bytes.into(), 0).ok_or(ReceiptError::Font)?,
            bold: Font::new(bold_bytes.into(), 0).ok_or(ReceiptError::Font)?,
            regular_ref: FontRef::new(regular_bytes).map_err(|_| ReceiptError::Font)?,
            bold_ref: FontRef::new(bold_bytes).map_err(|_| ReceiptError::Font)?,
        })
    }

    fn face(&self, weight: Weight) -> &FontRef<'static> {
        match weight {
            Weight::Regular => &self.regular_ref,
            Weight::Bold => &self.bold_ref,
        }
    }

    /// The width of `text` in points: the sum of the glyphs' advances (shaping in DejaVu only
    /// ever makes text narrower through kerning, so this never underestimates).
    pub(crate) fn width(&self, text: &str, size: f32, weight: Weight) -> f32 {
        let face = self.face(weight);
        let charmap = face.charmap();
        let metrics = GlyphMetrics::new(face, Size::new(size), LocationRef::default());
        text.chars()
            .map(|c| {
                let gid = charmap.map(c).unwrap_or_default();
                metrics.advance_width(gid).unwrap_or(size * 0.6)
            })
            .sum()
    }

    /// Greedy word wrapping to `max_width`; words longer than a line (hashes, ids) are broken
    /// between characters. Explicit newlines start new lines. Never returns an empty list.
    pub(crate) fn wrap(
        &self,
        text: &str,
        size: f32,
        weight: Weight,
        max_width: f32,
    ) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for word in paragraph.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_owned()
                } else {
                    format!("{line} {word}")
                };
                if self.width(&candidate, size, weight) <= max_width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                if self.width(word, size, weight) <= max_width {
                    line = word.to_owned();
                } else {
                    for c in word.chars() {
                        let mut next = line.clone();
                        next.push(c);
                        if !line.is_empty() && self.width(&next, size, weight) > max_width {
                            lines.push(std::mem::replace(&mut line, c.to_string()));
                        } else {
                            line = next;
                        }
                    }
                }
            }
            lines.push(line);
        }
        if lines.is_empty() {
            lines.push(String::new());
        }
        lines
    }
}

/// Line height for a font size.
pub(crate) fn leading(size: f32) -> f32 {
    size * 1.35
}

/// A cell in a table row: text wrapped within a column.
pub(crate) struct Cell<'a> {
    pub(crate) x: f32,
    pub(crate) width: f32,
    pub(crate) text: &'a str,
    pub(crate) weight: Weight,
    /// Right-align within the column (numbers).
    pub(crate) right: bool,
}

impl Fonts {
    /// Wrapped text starting at `x` (relative to the left margin), as one unbreakable strip.
    pub(crate) fn paragraph(&self, x: f32, text: &str, size: f32, weight: Weight) -> Vec<Strip> {
        self.wrap(text, size, weight, CONTENT_WIDTH - x)
            .into_iter()
            .map(|line| Strip {
                height: leading(size),
                ops: vec![Op::Text {
                    x: MARGIN_X + x,
                    y: size,
                    size,
                    weight,
                    gray: 0,
                    text: line,
                }],
            })
            .collect()
    }

    /// A row of cells, each wrapped within its column, as one strip as tall as its tallest cell.
    pub(crate) fn row(&self, cells: &[Cell<'_>], size: f32) -> Strip {
        let lh = leading(size);
        let mut ops = Vec::new();
        let mut lines_max = 1usize;
        for cell in cells {
            let lines = self.wrap(cell.text, size, cell.weight, cell.width);
            lines_max = lines_max.max(lines.len());
            for (i, line) in lines.into_iter().enumerate() {
                let x = if cell.right {
                    cell.x + cell.width - self.width(&line, size, cell.weight)
                } else {
                    cell.x
                };
                ops.push(Op::Text {
                    x: MARGIN_X + x,
                    y: size + lh * i as f32,
                    size,
                    weight: cell.weight,
                    gray: 0,
                    text: line,
                });
            }
        }
        Strip {
            height: lh * lines_max as f32 + size * 0.15,
            ops,
        }
    }

    /// A label with one or more values in a second column (each value wrapped), as one strip.
    pub(crate) fn key_values(
        &self,
        label: &str,
        values: &[String],
        size: f32,
        label_width: f32,
    ) -> Strip {
        let lh = leading(size);
        let mut ops = Vec::new();
        let label_lines = self.wrap(label, size, Weight::Regular, label_width - 6.0);
        for (i, line) in label_lines.iter().enumerate() {
            ops.push(Op::Text {
                x: MARGIN_X,
                y: size + lh * i as f32,
                size,
                weight: Weight::Regular,
                gray: 90,
                text: line.clone(),
            });
        }
        let mut n = 0usize;
        for value in values {
            for line in self.wrap(value, size, Weight::Regular, CONTENT_WIDTH - label_width) {
                ops.push(Op::Text {
                    x: MARGIN_X + label_width,
                    y: size + lh * n as f32,
                    size,
                    weight: Weight::Regular,
                    gray: 0,
                    text: line,
                });
                n += 1;
            }
        }
        Strip {
            height: lh * n.max(label_lines.len()).max(1) as f32,
            ops,
        }
    }
}

/// A horizontal rule across the content width, with some air around it.
pub(crate) fn rule(width: f32) -> Strip {
    Strip {
        height: 8.0,
        ops: vec![Op::Rule {
            x1: MARGIN_X,
            x2: PAGE_WIDTH - MARGIN_X,
            y: 4.0,
            width,
        }],
    }
}

/// Vertical space.
pub(crate) fn gap(height: f32) -> Strip {
    Strip {
        height,
        ops: Vec::new(),
    }
}

/// Pages being filled from top to bottom.
pub(crate) struct Pages {
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Pages {
    pub(crate) fn new() -> Self {
        Self {
            pages: vec![Vec::new()],
            y: MARGIN_TOP,
        }
    }

    fn bottom() -> f32 {
        PAGE_HEIGHT - MARGIN_BOTTOM
    }

    fn is_page_empty(&self) -> bool {
        self.pages.last().is_none_or(Vec::is_empty)
    }

    /// Starts a new page (unless the current one is still empty).
    pub(crate) fn new_page(&mut self) {
        if !self.is_page_empty() {
            self.pages.push(Vec::new());
        }
        self.y = MARGIN_TOP;
    }

    /// Places strips kept together: on a new page if they do not fit on this one but would on
    /// an empty one; otherwise they flow strip by strip.
    pub(crate) fn keep_together(&mut self, strips: Vec<Strip>) {
        let total: f32 = strips.iter().map(|s| s.height).sum();
        if self.y + total > Self::bottom() && total <= Self::bottom() - MARGIN_TOP {
            self.new_page();
        }
        for strip in strips {
            self.place(strip);
        }
    }

    /// Places one strip, starting a new page first if it does not fit.
    pub(crate) fn place(&mut self, strip: Strip) {
        if self.y + strip.height > Self::bottom() {
            self.new_page();
        }
        let y = self.y;
        if let Some(page) = self.pages.last_mut() {
            page.extend(strip.ops.iter().map(|op| op.shifted(y)));
        }
        self.y += strip.height;
    }

    /// Places strips one after the other (they may be split across pages between strips).
    pub(crate) fn flow(&mut self, strips: Vec<Strip>) {
        for strip in strips {
            self.place(strip);
        }
    }

    /// Draws every page with its footer and returns the PDF bytes.
    pub(crate) fn render(
        self,
        fonts: &Fonts,
        title: &str,
        footer_left: &str,
    ) -> Result<Vec<u8>, ReceiptError> {
        let mut document = Document::new();
        document.set_metadata(
            Metadata::new()
                .title(title.to_owned())
                .language("sv".to_owned())
                .creator("Assistid".to_owned()),
        );
        let count = self.pages.len();
        let settings =
            PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).ok_or(ReceiptError::Layout)?;
        for (index, mut ops) in self.pages.into_iter().enumerate() {
            let footer_size = 8.0;
            let numbering = format!("Sida {} av {}", index + 1, count);
            ops.push(Op::Rule {
                x1: MARGIN_X,
                x2: PAGE_WIDTH - MARGIN_X,
                y: PAGE_HEIGHT - 40.0,
                width: 0.5,
            });
            ops.push(Op::Text {
                x: MARGIN_X,
                y: PAGE_HEIGHT - 28.0,
                size: footer_size,
                weight: Weight::Regular,
                gray: 90,
                text: footer_left.to_owned(),
            });
            ops.push(Op::Text {
                x: PAGE_WIDTH - MARGIN_X - fonts.width(&numbering, footer_size, Weight::Regular),
                y: PAGE_HEIGHT - 28.0,
                size: footer_size,
                weight: Weight::Regular,
                gray: 90,
                text: numbering,
            });
            let mut page = document.start_page_with(settings.clone());
            let mut surface = page.surface();
            for op in &ops {
                match op {
                    Op::Text {
                        x,
                        y,
                        size,
                        weight,
                        gray,
                        text,
                    } => {
                        surface.set_fill(Some(Fill {
                            paint: rgb::Color::new(*gray, *gray, *gray).into(),
                            ..Fill::default()
                        }));
                        let font = match weight {
                            Weight::Regular => fonts.regular.clone(),
                            Weight::Bold => fonts.bold.clone(),
                        };
                        surface.draw_text(
                            Point::from_xy(*x, *y),
                            font,
                            *size,
                            text,
                            false,
                            TextDirection::LeftToRight,
                        );
                    }
                    Op::Rule { x1, x2, y, width } => {
                        let mut pb = PathBuilder::new();
                        pb.move_to(*x1, *y);
                        pb.line_to(*x2, *y);
                        if let Some(path) = pb.finish() {
                            surface.set_fill(None);
                            surface.set_stroke(Some(Stroke {
                                paint: rgb::Color::new(120, 120, 120).into(),
                                width: *width,
                                ..Stroke::default()
                            }));
                            surface.draw_path(&path);
                            surface.set_stroke(None);
                        }
                    }
                    Op::Rect { x, y, w, h, color } => {
                        let mut pb = PathBuilder::new();
                        if let Some(rect) = krilla::geom::Rect::from_xywh(*x, *y, *w, *h) {
                            pb.push_rect(rect);
                        }
                        if let Some(path) = pb.finish() {
                            surface.set_stroke(None);
                            surface.set_fill(Some(Fill {
                                paint: rgb::Color::new(color.0, color.1, color.2).into(),
                                ..Fill::default()
                            }));
                            surface.draw_path(&path);
                        }
                    }
                }
            }
            surface.finish();
            page.finish();
        }
        document
            .finish()
            .map_err(|e| ReceiptError::Pdf(format!("{e:?}")))
    }
}

/// A strip with a tinted background behind wrapped bold text: for what must not be missed.
pub(crate) fn highlighted(fonts: &Fonts, text: &str, size: f32, color: (u8, u8, u8)) -> Strip {
    let pad = 6.0;
    let lines = fonts.wrap(text, size, Weight::Bold, CONTENT_WIDTH - 2.0 * pad);
    let lh = leading(size);
    let height = lh * lines.len() as f32 + 2.0 * pad;
    let mut ops = vec![Op::Rect {
        x: MARGIN_X,
        y: 0.0,
        w: CONTENT_WIDTH,
        h: height,
        color,
    }];
    for (i, line) in lines.into_iter().enumerate() {
        ops.push(Op::Text {
            x: MARGIN_X + pad,
            y: pad + size + lh * i as f32,
            size,
            weight: Weight::Bold,
            gray: 0,
            text: line,
        });
    }
    Strip {
        height: height + 6.0,
        ops,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Wrapped lines never exceed the width and keep every non-space character in order.
        #[test]
        fn wrapped_lines_fit_and_lose_nothing(
            text in "[a-zA-ZåäöÅÄÖé0-9 ,.'()-]{0,400}",
            width in 40.0f32..495.0,
            bold in any::<bool>(),
        ) {
            let fonts = Fonts::load().expect("the embedded font loads");
            let weight = if bold { Weight::Bold } else { Weight::Regular };
            let lines = fonts.wrap(&text, 9.0, weight, width);
            for line in &lines {
                prop_assert!(fonts.width(line, 9.0, weight) <= width, "{line:?} fits {width}");
            }
            let kept: String = lines.concat().chars().filter(|c| !c.is_whitespace()).collect();
            let given: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            prop_assert_eq!(kept, given, "wrapping only moves line breaks");
        }
    }

    #[test]
    fn swedish_letters_have_their_own_glyph_widths() {
        let fonts = Fonts::load().expect("the embedded font loads");
        assert!(
            fonts.width("Åsa Öberg", 10.0, Weight::Regular) > 30.0,
            "DejaVu has Å and Ö"
        );
        assert!(
            fonts.width("ÅÅÅ", 10.0, Weight::Bold) > fonts.width("ÅÅÅ", 10.0, Weight::Regular),
            "bold is wider"
        );
    }
}
