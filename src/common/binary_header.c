/*
 * binary_header.c: the checks every versioned binary value of precmed
 * starts with (models, Fellegi-Sunter models, aggregate states).
 *
 * Each format has a 4-byte magic and a format version at the front of its
 * header, and the ML models and aggregate states a CRC-32C of what follows
 * the header; the layout of the rest is the format's own (their stored
 * bytes never change).  These helpers check what all of them check, with
 * one wording: a value that fails is 22P03, "<subject> is not a valid
 * <format>: <why>", with the format's hint.
 */
#include "common/precmed.h"

#include "port/pg_crc32c.h"

/* CRC-32C of len bytes at p. */
uint32
pm_crc32c(const char *p, Size len)
{
	pg_crc32c	crc;

	INIT_CRC32C(crc);
	COMP_CRC32C(crc, p, len);
	FIN_CRC32C(crc);
	return (uint32) crc;
}

/* 22P03: subject is not a valid value of format f, because of why (detail: or NULL). */
void
pm_binary_bad(const PmBinaryFormat *f, const char *subject, const char *why, const char *detail)
{
	pm_error(ERRCODE_INVALID_BINARY_REPRESENTATION,
			 errmsg("%s is not a valid %s: %s", subject, f->name, why),
			 detail ? errdetail("%s", detail) : 0,
			 errhint("%s", f->hint));
	pg_unreachable();
}

/* At least header_size bytes starting with f's magic; 22P03 otherwise. */
void
pm_binary_check_start(const PmBinaryFormat *f, const char *subject, const char *data, Size len,
					  Size header_size)
{
	if (len < header_size)
		pm_binary_bad(f, subject, psprintf("it is %zu bytes long, shorter than the %zu-byte header",
										   len, header_size), NULL);
	if (memcmp(data, f->magic, 4) != 0)
		pm_binary_bad(f, subject, psprintf("it does not start with the %s marker", f->name),
					  psprintf("A %s starts with the bytes \"%.4s\".", f->noun, f->magic));
}

/* The format version read from the header is the one this library reads; 22P03 otherwise. */
void
pm_binary_check_version(const PmBinaryFormat *f, const char *subject, int64 version)
{
	if (version != f->version)
		pm_binary_bad(f, subject, psprintf("its format version is %lld, this precmed reads version %d",
										   (long long) version, f->version), NULL);
}

/* The len bytes at p have the CRC-32C stored; 22P03 otherwise. */
void
pm_binary_check_crc(const PmBinaryFormat *f, const char *subject, const char *p, Size len,
					uint32 stored)
{
	uint32		crc = pm_crc32c(p, len);

	if (crc != stored)
		pm_binary_bad(f, subject, "its checksum does not match its contents",
					  psprintf("CRC-32C stored %08X, computed %08X: the value was altered.", stored, crc));
}
