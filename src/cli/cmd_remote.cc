// `warden remote`: not built yet (the module's owner fills this file in).
#include "cli/common.h"

namespace warden::cli {

void RegisterRemote(CLI::App& /*app*/) {}

}  // namespace warden::cli
