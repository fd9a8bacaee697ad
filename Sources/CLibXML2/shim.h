/* libxml2's HTML parser and tree. Debian builds libxml2 with ICU, so its encoding.h would
   include ICU's headers; Swift's Foundation carries its own, different ICU (_FoundationICU), and
   a module that sees both fails to build ("UErrorCode has different definitions"). Winnow hands
   libxml2 UTF-8 only and never touches the ICU members of xmlCharEncodingHandler (the last
   fields of a struct used only through pointers), so the ICU part of libxml2's headers is
   left out here. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
