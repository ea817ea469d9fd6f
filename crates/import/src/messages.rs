//! The import's messages, Swedish (the reference) and English side by side (see
//! [`assistid_core::text`]); [`CATALOG`] lists every template for the completeness check.

use assistid_core::text::Template;

macro_rules! templates {
    ($($(#[$doc:meta])* $name:ident = ($code:expr, $sv:expr, $en:expr $(,)?);)*) => {
        $( $(#[$doc])* pub static $name: Template = Template::new($code, $sv, $en); )*
        /// Every template of the import.
        pub static CATALOG: &[&Template] = &[$(&$name),*];
    };
}

templates! {
    /// An empty file.
    EMPTY_FILE = ("empty_file",
        "filen är tom: den ska ha en rubrikrad och minst en rad med ett pass",
        "the file is empty: it needs a header row and at least one row with a shift");
    /// Only a header.
    NO_DATA_ROWS = ("no_data_rows",
        "filen har bara en rubrikrad och inga pass att importera",
        "the file has only a header row and no shifts to import");
    /// No line break in the first megabyte.
    NOT_CSV = ("not_csv",
        "filen ser inte ut som en CSV-fil (ingen radbrytning i första megabyten): \
         spara schemat som CSV eller XLSX",
        "the file does not look like a CSV file (no line break in the first megabyte): save \
         the schedule as CSV or XLSX");
    /// One column only.
    WRONG_DELIMITER = ("wrong_delimiter",
        "filen verkar inte vara semikolon- eller kommaseparerad: rubrikraden blev en \
         enda kolumn. Spara filen som CSV med semikolon (;) eller komma (,) mellan \
         kolumnerna",
        "the file does not seem to be separated by semicolons or commas: the header row \
         became a single column. Save the file as CSV with a semicolon (;) or a comma (,) \
         between the columns");
    /// UTF-8 and Windows-1252 mixed.
    MIXED_ENCODING = ("mixed_encoding",
        "cellen har en annan teckenkodning än resten av filen (både UTF-8 och \
         Windows-1252): spara om hela filen som \"CSV UTF-8\" i Excel",
        "the cell has a different character encoding from the rest of the file (both UTF-8 \
         and Windows-1252): save the whole file again as \"CSV UTF-8\" in Excel");
    /// An XLSX file given as CSV.
    XLSX_AS_CSV = ("xlsx_as_csv",
        "filen är en Excel-fil (XLSX), inte CSV: välj formatet XLSX eller spara som CSV",
        "the file is an Excel file (XLSX), not CSV: choose the format XLSX or save it as CSV");
    /// An old `.xls`.
    OLD_XLS = ("old_xls",
        "filen är i Excels gamla format (.xls): spara den som .xlsx eller som CSV",
        "the file is in Excel's old format (.xls): save it as .xlsx or as CSV");
    /// UTF-16.
    UTF16 = ("utf16",
        "filen är sparad som UTF-16 (\"Unicode-text\"), som inte kan läsas: spara den i \
         Excel som \"CSV UTF-8 (kommaavgränsad)\" eller \"CSV (semikolonavgränsad)\"",
        "the file is saved as UTF-16 (\"Unicode text\"), which cannot be read: save it in \
         Excel as \"CSV UTF-8 (Comma delimited)\" or \"CSV (Semicolon delimited)\"");
    /// Not an XLSX file.
    NOT_XLSX = ("not_xlsx",
        "filen är ingen Excel-fil (XLSX): är det en CSV-fil? Välj i så fall formatet CSV",
        "the file is not an Excel file (XLSX): is it a CSV file? Then choose the format CSV");
    /// The sheet does not exist.
    SHEET_NOT_FOUND = ("sheet_not_found",
        "bladet \"{sheet}\" finns inte i arbetsboken; bladen heter: {sheets}",
        "the sheet \"{sheet}\" is not in the workbook; the sheets are: {sheets}");
    /// A formula cell.
    FORMULA_CELL = ("formula_cell",
        "formeln i cell {cell}{formula} kan inte importeras: kopiera kolumnen och \
         klistra in den som värden (Klistra in special → Värden)",
        "the formula in cell {cell}{formula} cannot be imported: copy the column and paste it \
         as values (Paste Special → Values)");
    /// Merged cells.
    MERGED_CELLS = ("merged_cells",
        "cellerna {range} är sammanslagna: dela upp dem (Start → Sammanfoga och \
         centrera → Dela upp celler) och skriv värdet i varje rad",
        "the cells {range} are merged: unmerge them (Home → Merge & Center → Unmerge Cells) \
         and write the value in every row");
    /// An unreadable workbook.
    UNREADABLE_XLSX = ("unreadable_xlsx",
        "Excel-filen kan inte läsas ({detail}): öppna den i Excel och spara om den som \
         .xlsx",
        "the Excel file cannot be read ({detail}): open it in Excel and save it again as .xlsx");
    /// Two columns meaning the same.
    DUPLICATE_COLUMN = ("duplicate_column",
        "kolumnen \"{column}\" betyder samma sak som kolumnen \"{first}\" ({name}): ta bort \
         en av dem",
        "the column \"{column}\" means the same as the column \"{first}\" ({name}): remove one \
         of them");
    /// No known header.
    MISSING_HEADER = ("missing_header",
        "första raden ska vara en rubrikrad med kolumnerna {columns}; ingen av rubrikerna \
         känns igen (se importformatet)",
        "the first row must be a header row with the columns {columns}; none of the headers is \
         recognised (see the import format)");
    /// Required columns missing.
    MISSING_COLUMNS = ("missing_columns",
        "kolumner saknas i rubrikraden: {columns}. Lägg till dem (rubrikerna får också \
         skrivas {aliases})",
        "columns are missing from the header row: {columns}. Add them (the headers may also be \
         written {aliases})");
    /// Unknown kind of time.
    UNKNOWN_KIND = ("unknown_kind",
        "okänd tidstyp \"{value}\": skriv aktiv, vänte eller beredskap \
         (även aktiv tid, väntetid, A, V och B går bra)",
        "unknown kind of time \"{value}\": write aktiv, vänte or beredskap (aktiv tid, \
         väntetid, A, V and B work too)");
    /// A note too long.
    NOTE_TOO_LONG = ("note_too_long",
        "anteckningen är {length} tecken lång; högst {max} tecken \
         får plats. Korta anteckningen (eller töm cellen) och importera igen",
        "the note is {length} characters long; at most {max} characters fit. Shorten the note \
         (or empty the cell) and import again");
    /// A control character in a note.
    CONTROL_CHARACTER = ("control_character",
        "anteckningen innehåller ett osynligt styrtecken ({code_point}) som ingen skriver \
         själv: filen kan vara skadad eller sparad från ett annat program. Ta bort tecknet \
         (skriv om anteckningen) och importera igen",
        "the note holds an invisible control character ({code_point}) that nobody types: the \
         file may be damaged or saved by another program. Remove the character (retype the \
         note) and import again");
    /// The same shift twice.
    DUPLICATE_IN_FILE = ("duplicate_in_file",
        "samma pass (assistent, person, start, slut och tidstyp) finns redan \
         på rad {first_row}: det importeras bara en gång",
        "the same shift (assistant, person, start, end and kind of time) is already on row \
         {first_row}: it is imported once");
    /// Unknown assistant.
    UNKNOWN_ASSISTANT = ("unknown_assistant",
        "assistenten {assistant} finns inte i registret: lägg till assistenten först \
         eller rätta personnumret",
        "the assistant {assistant} is not in the register: add the assistant first or correct \
         the personal identity number");
    /// A samordningsnummer assistant.
    ASSISTANT_CANNOT_SIGN = ("assistant_cannot_sign_bankid",
        "assistenten {assistant} har samordningsnummer och kan inte signera \
         tidredovisningen med BankID",
        "the assistant {assistant} has a coordination number and cannot sign the time report \
         with BankID");
    /// Unknown person.
    UNKNOWN_PERSON = ("unknown_person",
        "personen {person} finns inte i registret: lägg till personen med \
         assistans först eller rätta personnumret",
        "the person {person} is not in the register: add the person with assistance first or \
         correct the personal identity number");
    /// A samordningsnummer for the person.
    COORDINATION_NUMBER_NOT_ALLOWED = ("coordination_number_not_allowed",
        "personen med assistans måste anges med personnummer, inte samordningsnummer",
        "the person with assistance must be given with a personal identity number, not a \
         coordination number");
    /// An invalid identity number.
    INVALID_ID = ("invalid_personnummer",
        "{what} är ogiltigt: {error}",
        "{what} is not valid: {error}");
    /// Excel's error value.
    ERROR_CELL = ("error_cell",
        "cellen innehåller Excels felvärde {error}: rätta cellen och spara om filen",
        "the cell holds Excel's error value {error}: correct the cell and save the file again");
    /// An empty required cell.
    MISSING_VALUE = ("missing_value",
        "{column} saknas: cellen är tom",
        "{column} is missing: the cell is empty");
    /// Column: the assistant's number.
    COLUMN_ASSISTANT = ("column_assistant", "assistentens personnummer", "the assistant's personal identity number");
    /// Column: the person's number.
    COLUMN_PERSON = ("column_person", "personens personnummer", "the person's personal identity number");
    /// Column: date.
    COLUMN_DATE = ("column_date", "datum", "the date");
    /// Column: start.
    COLUMN_START = ("column_start", "starttid", "the start time");
    /// Column: end.
    COLUMN_END = ("column_end", "sluttid", "the end time");
    /// Column: kind.
    COLUMN_KIND = ("column_kind", "tidstyp", "the kind of time");
    /// Column: note.
    COLUMN_NOTE = ("column_note", "anteckning", "the note");
    /// A spring-night time.
    NONEXISTENT_TIME = ("time_nonexistent",
        "klockslaget {time} den {date} finns inte: natten till sommartid hoppar klockan från \
         02:00 till 03:00. Rätta tiden (menades {suggested}?)",
        "the time {time} on {date} does not exist: on the night summer time starts the clock \
         jumps from 02:00 to 03:00. Correct the time (was {suggested} meant?)");
    /// An autumn-night time without its occurrence.
    AMBIGUOUS_TIME = ("time_ambiguous",
        "klockslaget {time} den {date} inträffar två gånger när klockan ställs tillbaka \
         till vintertid: skriv {time}+02:00 för första gången (sommartid) eller \
         {time}+01:00 för andra gången (vintertid)",
        "the time {time} on {date} happens twice when the clock is set back to winter time: \
         write {time}+02:00 for the first time (summer time) or {time}+01:00 for the second \
         time (winter time)");
    /// An offset Sweden does not use then.
    WRONG_OFFSET = ("time_wrong_offset",
        "tidsförskjutningen +{hours}:{minutes} gäller inte klockan {time} den {date} i Sverige: ta \
         bort förskjutningen (den behövs bara för 02:00–02:59 natten till vintertid) \
         eller rätta den",
        "the offset +{hours}:{minutes} does not apply at {time} on {date} in Sweden: remove the \
         offset (it is needed only for 02:00–02:59 on the night summer time ends) or correct it");
    /// 24:00 as a start.
    MIDNIGHT_START = ("midnight_start",
        "24:00 kan bara vara en sluttid: ett pass som börjar vid midnatt skrivs 00:00 \
         på nästa dags datum",
        "24:00 can only be an end time: a shift starting at midnight is written 00:00 on the \
         next day's date");
    /// Equal start and end.
    SAME_START_AND_END = ("same_start_and_end",
        "start och slut är samma klockslag: rätta sluttiden (ett pass på ett helt dygn \
         skrivs som två rader, t.ex. 08:00–24:00 och 00:00–08:00 nästa dag)",
        "start and end are the same time: correct the end time (a shift of a whole day is \
         written as two rows, e.g. 08:00–24:00 and 00:00–08:00 the next day)");
    /// End before start after resolving.
    END_NOT_AFTER_START = ("end_not_after_start",
        "passet slutar inte efter att det börjar ({start} – {end}): \
         kontrollera start, slut och vilken gång klockslaget inträffar natten till \
         vintertid",
        "the shift does not end after it starts ({start} – {end}): check the start, the end \
         and which time the clock reading happens on the night summer time ends");
    /// A core finding pointing at another row.
    SEE_ROW = ("see_row", "{message} (se rad {row})", "{message} (see row {row})");
    /// Date not recognised.
    DATE_UNRECOGNISED = ("date_unrecognised",
        "datumet \"{value}\" känns inte igen: skriv ÅÅÅÅ-MM-DD, t.ex. 2026-03-29 \
         (även 20260329, 29.03.2026 och 2026/03/29 går bra)",
        "the date \"{value}\" is not recognised: write YYYY-MM-DD, e.g. 2026-03-29 (20260329, \
         29.03.2026 and 2026/03/29 work too)");
    /// Day/month order unknown.
    DATE_SLASH_ORDER = ("date_slash_order",
        "datumet \"{value}\" kan läsas på två sätt (dag/månad eller månad/dag): skriv \
         ÅÅÅÅ-MM-DD, t.ex. 2026-03-29",
        "the date \"{value}\" can be read two ways (day/month or month/day): write YYYY-MM-DD, \
         e.g. 2026-03-29");
    /// Not in the calendar.
    DATE_NOT_IN_CALENDAR = ("date_not_in_calendar",
        "datumet \"{value}\" finns inte i kalendern: kontrollera dag och månad",
        "the date \"{value}\" is not in the calendar: check the day and the month");
    /// A date with a time.
    DATE_HAS_TIME = ("date_has_time",
        "datumcellen \"{value}\" innehåller också ett klockslag: ange bara datumet och \
         skriv tiderna i kolumnerna för start och slut",
        "the date cell \"{value}\" also holds a time: give only the date and write the times \
         in the start and end columns");
    /// An Excel serial out of range.
    DATE_SERIAL_OUT_OF_RANGE = ("date_serial_out_of_range",
        "\"{value}\" ser ut som ett Excel-datumnummer men blir inget rimligt datum: \
         formatera cellen som datum eller skriv ÅÅÅÅ-MM-DD",
        "\"{value}\" looks like an Excel date number but gives no sensible date: format the \
         cell as a date or write YYYY-MM-DD");
    /// Time not recognised.
    TIME_UNRECOGNISED = ("time_unrecognised",
        "klockslaget \"{value}\" känns inte igen: skriv TT:MM, t.ex. 08:30 (även 8, \
         0830 och 08.30 går bra)",
        "the time \"{value}\" is not recognised: write HH:MM, e.g. 08:30 (8, 0830 and 08.30 \
         work too)");
    /// Time out of range.
    TIME_OUT_OF_RANGE = ("time_out_of_range",
        "klockslaget \"{value}\" finns inte: timmen ska vara 00–23 (24:00 för midnatt \
         som sluttid) och minuten 00–59",
        "the time \"{value}\" does not exist: the hour must be 00–23 (24:00 for midnight as an \
         end time) and the minute 00–59");
    /// Seconds.
    TIME_SECONDS = ("time_seconds",
        "klockslaget \"{value}\" har sekunder: Försäkringskassan räknar hela minuter, \
         skriv TT:MM",
        "the time \"{value}\" has seconds: Försäkringskassan counts whole minutes, write HH:MM");
    /// A time with a date.
    TIME_HAS_DATE = ("time_has_date",
        "tidscellen \"{value}\" innehåller också ett datum: ange bara klockslaget och \
         skriv datumet i datumkolumnen",
        "the time cell \"{value}\" also holds a date: give only the time and write the date in \
         the date column");
    /// A Swedish long date `29 mars 2026`.
    LONG_DATE = ("long_date", "{day} {month} {year}", "{month} {day}, {year}");
    /// January … December.
    MONTH_1 = ("month_1", "januari", "January");
    /// February.
    MONTH_2 = ("month_2", "februari", "February");
    /// March.
    MONTH_3 = ("month_3", "mars", "March");
    /// April.
    MONTH_4 = ("month_4", "april", "April");
    /// May.
    MONTH_5 = ("month_5", "maj", "May");
    /// June.
    MONTH_6 = ("month_6", "juni", "June");
    /// July.
    MONTH_7 = ("month_7", "juli", "July");
    /// August.
    MONTH_8 = ("month_8", "augusti", "August");
    /// September.
    MONTH_9 = ("month_9", "september", "September");
    /// October.
    MONTH_10 = ("month_10", "oktober", "October");
    /// November.
    MONTH_11 = ("month_11", "november", "November");
    /// December.
    MONTH_12 = ("month_12", "december", "December");
}

/// The month's name (1–12).
pub(crate) fn month_name(month: u32) -> Option<&'static Template> {
    [
        &MONTH_1, &MONTH_2, &MONTH_3, &MONTH_4, &MONTH_5, &MONTH_6, &MONTH_7, &MONTH_8, &MONTH_9,
        &MONTH_10, &MONTH_11, &MONTH_12,
    ]
    .get(month.checked_sub(1)? as usize)
    .copied()
}
