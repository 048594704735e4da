// `warden guard train|eval`: not built yet (the module's owner fills this file in).
#include "cli/common.h"

namespace warden::cli {

void RegisterGuardModels(CLI::App* /*guard*/) {}

}  // namespace warden::cli
