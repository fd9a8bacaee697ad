/* libdivsufsort (Yuta Mori): suffix arrays of byte strings, 32-bit indices (divsufsort.h) and
   64-bit ones for texts of 2 GB and more (divsufsort64.h). Debian installs the headers under
   the multiarch include folder, which pkg-config names. */
#include <divsufsort.h>
#include <divsufsort64.h>
