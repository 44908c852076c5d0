#include "agent/reader/csv_parser.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace ctim::agent {
namespace {

// Bytes that end a run of plain data in an unquoted field.
constexpr std::array<bool, 256> kUnquotedStop = [] {
  std::array<bool, 256> stop{};
  stop[static_cast<unsigned char>(',')] = true;
  stop[static_cast<unsigned char>('"')] = true;
  stop[static_cast<unsigned char>('\r')] = true;
  stop[static_cast<unsigned char>('\n')] = true;
  return stop;
}();

}  // namespace

CsvParser::CsvParser(CsvInput& input, std::size_t max_record_bytes)
    : input_(&input), max_record_bytes_(std::max<std::size_t>(max_record_bytes, 1)) {}

bool CsvParser::Refill() {
  if (at_end_) return false;
  chunk_ = input_->Read();
  if (chunk_.empty()) at_end_ = true;
  return !at_end_;
}

void CsvParser::Mark(CsvDefect defect, std::size_t line) {
  if (out_->defect != CsvDefect::kNone) return;
  out_->defect = defect;
  out_->defect_line = line;
  out_->defect_field = ends_.size();
}

void CsvParser::Append(std::string_view bytes) {
  if (overflow_) return;
  // Each field end costs one byte of the budget too, so "a,a,a,..." is bounded like "aaaa...".
  if (text_.size() + ends_.size() + bytes.size() > max_record_bytes_) {
    overflow_ = true;
    Mark(CsvDefect::kTooLong, line_);
    return;
  }
  text_.append(bytes);
}

void CsvParser::EndField() {
  if (overflow_) return;
  if (text_.size() + ends_.size() + 1 > max_record_bytes_) {
    overflow_ = true;
    Mark(CsvDefect::kTooLong, line_);
    return;
  }
  ends_.push_back(text_.size());
}

bool CsvParser::Next(CsvRecord& record) {
  record.fields.clear();
  record.blank = false;
  record.defect = CsvDefect::kNone;
  record.defect_line = 0;
  record.defect_field = 0;
  record.first_line = line_;
  text_.clear();
  ends_.clear();
  overflow_ = false;
  out_ = &record;

  State state = State::kFieldStart;
  bool started = false;  // any byte of the record consumed, its line end excluded
  std::size_t quote_line = 0;
  bool ended = false;  // the record ended with a line end (not with the input)
  std::size_t last_line = line_;

  while (!ended) {
    if (chunk_.empty() && !Refill()) break;
    const char c = chunk_.front();
    if (pending_cr_) {
      pending_cr_ = false;
      if (c == '\n') {
        chunk_.remove_prefix(1);
        last_line = line_++;
        ended = true;
        continue;
      }
      // A CR not followed by LF is data of the current field; `c` is handled on the next turn.
      if (state == State::kQuoteInQuoted) Mark(CsvDefect::kTextAfterQuote, line_);
      Append("\r");
      state = State::kUnquoted;
      started = true;
      continue;
    }
    switch (state) {
      case State::kFieldStart:
        if (c == '"') {
          chunk_.remove_prefix(1);
          state = State::kQuoted;
          quote_line = line_;
          started = true;
          break;
        }
        [[fallthrough]];
      case State::kUnquoted: {
        std::size_t i = 0;
        while (i < chunk_.size() && !kUnquotedStop[static_cast<unsigned char>(chunk_[i])]) ++i;
        if (i > 0) {
          Append(chunk_.substr(0, i));
          chunk_.remove_prefix(i);
          state = State::kUnquoted;
          started = true;
          if (chunk_.empty()) break;
        }
        const char d = chunk_.front();
        chunk_.remove_prefix(1);
        if (d == ',') {
          EndField();
          state = State::kFieldStart;
          started = true;
        } else if (d == '\n') {
          last_line = line_++;
          ended = true;
        } else if (d == '\r') {
          pending_cr_ = true;
        } else {  // '"' inside an unquoted field
          Mark(CsvDefect::kStrayQuote, line_);
          Append("\"");
          state = State::kUnquoted;
          started = true;
        }
        break;
      }
      case State::kQuoted: {
        const void* quote = std::memchr(chunk_.data(), '"', chunk_.size());
        const std::size_t i = quote == nullptr
                                  ? chunk_.size()
                                  : static_cast<std::size_t>(static_cast<const char*>(quote) - chunk_.data());
        const std::string_view data = chunk_.substr(0, i);
        line_ += static_cast<std::size_t>(std::count(data.begin(), data.end(), '\n'));
        Append(data);
        chunk_.remove_prefix(i);
        if (!chunk_.empty()) {
          chunk_.remove_prefix(1);
          state = State::kQuoteInQuoted;
        }
        break;
      }
      case State::kQuoteInQuoted:
        if (c == '"') {  // "" inside quotes: one literal quote
          chunk_.remove_prefix(1);
          Append("\"");
          state = State::kQuoted;
        } else if (c == ',') {
          chunk_.remove_prefix(1);
          EndField();
          state = State::kFieldStart;
        } else if (c == '\n') {
          chunk_.remove_prefix(1);
          last_line = line_++;
          ended = true;
        } else if (c == '\r') {
          chunk_.remove_prefix(1);
          pending_cr_ = true;
        } else {
          // `"abc"def`: keep the text, go on as an unquoted field (handled on the next turn).
          Mark(CsvDefect::kTextAfterQuote, line_);
          state = State::kUnquoted;
        }
        break;
    }
  }

  if (!ended) {
    // End of input.
    if (pending_cr_) {
      pending_cr_ = false;
      if (state == State::kQuoteInQuoted) Mark(CsvDefect::kTextAfterQuote, line_);
      Append("\r");
      started = true;
    }
    if (!started) return false;
    last_line = line_;
    if (state == State::kQuoted) {
      Mark(CsvDefect::kUnterminatedQuote, quote_line);
      // Input ending in "\n" inside the quote: the record's last line is the one that LF closed.
      if (!overflow_ && !text_.empty() && text_.back() == '\n' && last_line > quote_line) --last_line;
    }
  }

  EndField();
  record.last_line = last_line;
  record.blank = !started;
  if (!overflow_) {
    std::size_t begin = 0;
    record.fields.reserve(ends_.size());
    for (const std::size_t end : ends_) {
      record.fields.emplace_back(text_.data() + begin, end - begin);
      begin = end;
    }
  }
  return true;
}

}  // namespace ctim::agent
