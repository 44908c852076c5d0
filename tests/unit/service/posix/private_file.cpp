#include "private_file.h"

#include <sys/stat.h>

namespace ctim::service::testing {

bool MakeOwnerOnly(const std::string& path) { return ::chmod(path.c_str(), 0600) == 0; }

}  // namespace ctim::service::testing
