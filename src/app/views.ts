/**
 * Registers the linked views the page mounts (custom elements). A view left
 * out here is simply not drawn (its element stays an unknown, empty tag).
 */

import '../views/sweep-status.js';
import '../views/sweep-filters.js';
import '../views/sweep-histogram.js';
import '../views/sweep-matrix.js';
import '../views/sweep-trellis.js';
import '../views/parallel/sweep-parallel.js';
import '../views/sweep-table.js';
