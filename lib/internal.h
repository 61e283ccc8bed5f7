/*
 * internal.h: what lib/ and formats/ share and the tools do not see:
 * the internal header of every folder.  A file may include just the
 * headers of the folders it uses (ARCHITECTURE.md); this one is kept so
 * that a file including it sees them all.
 */
#ifndef SL_INTERNAL_H
#define SL_INTERNAL_H

#include "sl.h"
#include "base/base.h"
#include "input/input.h"
#include "core/core.h"
#include "render/render.h"

#endif /* SL_INTERNAL_H */
