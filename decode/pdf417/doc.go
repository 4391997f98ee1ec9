// Package pdf417 reads PDF417 (ISO/IEC 15438), compact PDF417 and, with
// Reader.Micro, MicroPDF417 (ISO/IEC 24728) symbols from gray images, at
// any rotation: framing patterns found on rows and columns, codewords
// measured on the gray image and voted per cell, Reed–Solomon correction
// over GF(929), and text, byte and numeric compaction with ECIs and Macro
// PDF417. The codeword and MicroPDF417 tables are learnt from symbols
// zint draws (TestTableFromZint, TestMicroTableFromZint).
//
// Not read yet: compact symbols in perspective or aliased at about a pixel
// a module, short wide symbols under strong perspective (start and stop
// edges more than 0.4 rad apart), and MicroPDF417 in perspective that turns
// its rows against one another (rows that widen are read).
// MicroPDF417 turned more than a few degrees from a quarter turn is read on
// slanted lines in the areas Reader.Areas gives.
package pdf417
