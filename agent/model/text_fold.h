// The agent's names for the shared comparison helpers: AD's notion of "the same value" (FoldCase,
// EqualsFolded: common/ad_compare.h, doc/design.md §4) and ASCII case-insensitive names (EqualsAscii,
// StartsWithAscii, AsciiCaseLess: common/ascii.h). One definition each, in common/.
#pragma once

#include "common/ad_compare.h"
#include "common/ascii.h"

namespace ctim::agent {

using ::ctim::AsciiCaseLess;
using ::ctim::EqualsAscii;
using ::ctim::EqualsFolded;
using ::ctim::FoldCase;
using ::ctim::StartsWithAscii;

}  // namespace ctim::agent
