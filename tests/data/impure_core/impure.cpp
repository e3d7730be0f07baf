// Deliberately impure fixture: check_core_purity.sh must reject this directory.
#include <ares.h>
