/* OpenBLAS's CBLAS interface (Debian's libopenblas-dev): semantic dedup multiplies embedding
   matrices with sgemm, for k-means assignment and for the similarities inside a cluster. */
#include <cblas.h>
