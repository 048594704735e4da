// `warden guard`: not built yet (the module's owner fills this file in).
#include "cli/common.h"

namespace warden::cli {

void RegisterGuard(CLI::App& /*app*/) {}

}  // namespace warden::cli
