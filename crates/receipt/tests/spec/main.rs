//! Specification of assistid-receipt: the submission receipt (PDF and JSON), the assistant's
//! copy and the invoice figures, read back with poppler's `pdftotext`.

mod assistant_copy;
mod examples;
mod invoice;
mod json;
mod receipt_pdf;
mod support;
