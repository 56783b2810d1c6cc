#pragma once
// Text into HTML or XML (the report, the paper table, JUnit files): one escaping for both.

#include <string>
#include <string_view>

namespace rig::util {

// `& < > " '` as references (`'` as &#39;, which HTML and XML both read), and the C0 control
// characters other than tab, newline and carriage return dropped: XML 1.0 cannot carry them, not
// even as references, and in HTML they are parse errors. Safe in text and in quoted attributes.
std::string escape_markup(std::string_view text);

}  // namespace rig::util
