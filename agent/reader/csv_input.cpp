#include "agent/reader/csv_input.h"

#include <algorithm>

namespace ctim::agent {
namespace {

constexpr char kInvalidMarker = static_cast<char>(0xFF);  // never valid in UTF-8

bool StartsWith(std::string_view s, std::string_view bom) { return s.substr(0, bom.size()) == bom; }

}  // namespace

std::string_view TextEncodingName(TextEncoding encoding) {
  switch (encoding) {
    case TextEncoding::kUtf8:
      return "utf-8";
    case TextEncoding::kUtf8Bom:
      return "utf-8 (BOM)";
    case TextEncoding::kUtf16Le:
      return "utf-16le";
    case TextEncoding::kUtf16Be:
      return "utf-16be";
  }
  return "utf-8";
}

CsvInput::CsvInput(std::istream& in, std::size_t chunk_bytes)
    : in_(&in),
      chunk_bytes_(std::max<std::size_t>(chunk_bytes, 1)),
      raw_(std::make_unique_for_overwrite<char[]>(chunk_bytes_)) {}

std::size_t CsvInput::Fill(char* dst, std::size_t max) {
  if (eof_ || failed_) return 0;
  in_->read(dst, static_cast<std::streamsize>(max));
  const std::streamsize got = in_->gcount();
  if (got <= 0) {
    eof_ = true;
    if (in_->bad()) failed_ = true;
    return 0;
  }
  return static_cast<std::size_t>(got);
}

Status CsvInput::Start(bool transcode_utf16) {
  // Four bytes decide every BOM we know; read them whatever the chunk size.
  char head[4];
  std::size_t have = 0;
  while (have < 4) {
    const std::size_t got = Fill(head + have, 4 - have);
    if (got == 0) break;
    have += got;
  }
  const std::string_view bytes(head, have);
  std::size_t bom = 0;
  if (StartsWith(bytes, std::string_view("\xFF\xFE\x00\x00", 4)) ||
      StartsWith(bytes, std::string_view("\x00\x00\xFE\xFF", 4))) {
    return Fail(Errc::kInvalidInput,
                "the file is UTF-32 (byte-order mark " +
                    std::string(bytes[0] == '\0' ? "00 00 FE FF" : "FF FE 00 00") + ")",
                "re-save it as UTF-8 (Export-Csv -Encoding UTF8)");
  }
  if (StartsWith(bytes, "\xEF\xBB\xBF")) {
    encoding_ = TextEncoding::kUtf8Bom;
    bom = 3;
  } else if (StartsWith(bytes, "\xFF\xFE")) {
    encoding_ = TextEncoding::kUtf16Le;
    bom = 2;
  } else if (StartsWith(bytes, "\xFE\xFF")) {
    encoding_ = TextEncoding::kUtf16Be;
    bom = 2;
  }
  if ((encoding_ == TextEncoding::kUtf16Le || encoding_ == TextEncoding::kUtf16Be) && !transcode_utf16) {
    return Fail(Errc::kInvalidInput,
                "the file is " + std::string(TextEncodingName(encoding_)) +
                    " (byte-order mark); the reader is configured to refuse UTF-16 (utf16 = refuse)",
                "re-save it as UTF-8 (Export-Csv -Encoding UTF8), or set utf16 = transcode");
  }
  pending_.assign(bytes.substr(bom));
  return {};
}

std::string_view CsvInput::Read() {
  const bool utf16 = encoding_ == TextEncoding::kUtf16Le || encoding_ == TextEncoding::kUtf16Be;
  if (!pending_.empty()) {
    // The sniffed bytes: hand them out once (UTF-16: decode them first, they are at most 2 bytes).
    std::string head = std::move(pending_);
    pending_.clear();
    if (!utf16) {
      out_ = std::move(head);
      return out_;
    }
    const std::string_view decoded = DecodeUtf16(head, false);
    if (!decoded.empty()) return decoded;
  }
  for (;;) {
    const std::size_t got = Fill(raw_.get(), chunk_bytes_);
    if (!utf16) return std::string_view(raw_.get(), got);
    const std::string_view decoded = DecodeUtf16(std::string_view(raw_.get(), got), got == 0);
    if (!decoded.empty() || got == 0) return decoded;
  }
}

void CsvInput::AppendCodePoint(std::uint32_t cp) {
  if (cp < 0x80) {
    out_.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out_.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out_.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out_.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out_.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out_.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out_.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out_.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out_.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out_.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string_view CsvInput::DecodeUtf16(std::string_view raw, bool at_end) {
  out_.clear();
  const bool little = encoding_ == TextEncoding::kUtf16Le;
  std::size_t i = 0;
  const auto unit_from = [little](unsigned char a, unsigned char b) -> std::uint32_t {
    return little ? static_cast<std::uint32_t>(a | (b << 8)) : static_cast<std::uint32_t>((a << 8) | b);
  };
  const auto take_unit = [&](std::uint32_t unit) {
    if (high_surrogate_ != 0) {
      if (unit >= 0xDC00 && unit <= 0xDFFF) {
        AppendCodePoint(0x10000 + ((high_surrogate_ - 0xD800) << 10) + (unit - 0xDC00));
        high_surrogate_ = 0;
        return;
      }
      out_.push_back(kInvalidMarker);  // high surrogate not followed by a low one
      high_surrogate_ = 0;
    }
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      high_surrogate_ = unit;
    } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
      out_.push_back(kInvalidMarker);  // low surrogate on its own
    } else {
      AppendCodePoint(unit);
    }
  };
  if (odd_byte_ >= 0 && !raw.empty()) {
    take_unit(unit_from(static_cast<unsigned char>(odd_byte_), static_cast<unsigned char>(raw[0])));
    odd_byte_ = -1;
    i = 1;
  }
  for (; i + 1 < raw.size(); i += 2) {
    take_unit(unit_from(static_cast<unsigned char>(raw[i]), static_cast<unsigned char>(raw[i + 1])));
  }
  if (i < raw.size()) odd_byte_ = static_cast<unsigned char>(raw[i]);
  if (at_end) {
    if (high_surrogate_ != 0 || odd_byte_ >= 0) out_.push_back(kInvalidMarker);
    high_surrogate_ = 0;
    odd_byte_ = -1;
  }
  return out_;
}

}  // namespace ctim::agent
