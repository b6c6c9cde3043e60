/*
 * tools/embed.c — build-time generator that compiles files into the binary.
 *
 *   embed OUT.c SYMBOL NAME=PATH [NAME=PATH ...]
 *
 * writes a C file that defines
 *
 *   const struct embedded_file SYMBOL[] = {
 *       {"NAME", (const unsigned char *)"…bytes…", LEN},
 *       …
 *       {NULL, NULL, 0}
 *   };
 *
 * (see src/util/embedded.h). The bytes become string-literal chunks of about
 * 100 columns, so any content is safe: printable ASCII stays as it is except
 * " \ and ? (escaped; "?" because trigraphs exist in ISO C modes), and every
 * other byte becomes a three-digit octal escape, which can never swallow a
 * following digit the way a hex escape would. A new chunk also starts after
 * each newline so text files stay readable. The literal's own NUL follows
 * the data, as embedded.h promises. The output is deterministic.
 *
 * Plain C17 with no dependencies: it runs on the build machine. The output
 * is written to OUT.tmp and renamed to OUT when complete, so OUT is never
 * left half-written. Any I/O error prints a message, removes OUT.tmp and
 * exits 1; a usage error exits 2.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_COLUMNS 86

static const char *out_path; /* the final name, for messages */
static char *tmp_path;       /* where the output is written until complete */
static FILE *out;

static void fail(const char *what, const char *path) __attribute__((noreturn));

static void
fail(const char *what, const char *path)
{
    fprintf(stderr, "embed: %s %s: %s\n", what, path, strerror(errno ? errno : EIO));
    if (out)
        fclose(out);
    if (tmp_path)
        remove(tmp_path);
    exit(1);
}

static void usage(const char *msg) __attribute__((noreturn));

static void
usage(const char *msg)
{
    fprintf(stderr, "embed: %s\nusage: embed OUT.c SYMBOL NAME=PATH [NAME=PATH ...]\n", msg);
    exit(2);
}

static bool
is_identifier(const char *s)
{
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
        return false;
    for (s++; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return false;
    return true;
}

/* Write byte C as it must appear inside a C string literal; returns the
 * number of columns written. */
static int
put_escaped(unsigned char c)
{
    if (c == '"' || c == '\\' || c == '?')
        return fprintf(out, "\\%c", c);
    if (c == '\n')
        return fprintf(out, "\\n");
    if (c >= 0x20 && c < 0x7F)
        return putc(c, out) == EOF ? -1 : 1;
    return fprintf(out, "\\%03o", c);
}

/* Write the string literal chunks for the N bytes at P: only used for names. */
static void
put_literal(const char *p, size_t n)
{
    if (putc('"', out) == EOF)
        fail("cannot write", out_path);
    for (size_t i = 0; i < n; i++)
        if (put_escaped((unsigned char)p[i]) < 0)
            fail("cannot write", out_path);
    if (putc('"', out) == EOF)
        fail("cannot write", out_path);
}

/* Stream the file at PATH into OUT as string-literal chunks; returns its length. */
static size_t
put_file(const char *path)
{
    FILE *in = fopen(path, "rb");
    unsigned char block[65536];
    size_t total = 0, got;
    int col = 0; /* columns in the current chunk; 0: no chunk open */

    if (!in)
        fail("cannot open", path);
    errno = 0;
    while ((got = fread(block, 1, sizeof block, in)) > 0) {
        for (size_t i = 0; i < got; i++) {
            if (col == 0 && fputs("\n        \"", out) == EOF)
                fail("cannot write", out_path);
            int w = put_escaped(block[i]);
            if (w < 0)
                fail("cannot write", out_path);
            col += w;
            if (col >= CHUNK_COLUMNS || block[i] == '\n') {
                if (putc('"', out) == EOF)
                    fail("cannot write", out_path);
                col = 0;
            }
        }
        total += got;
    }
    if (ferror(in)) {
        fclose(in);
        fail("cannot read", path);
    }
    fclose(in);
    if (total == 0 && fputs("\n        \"", out) == EOF)
        fail("cannot write", out_path);
    if ((col > 0 || total == 0) && putc('"', out) == EOF)
        fail("cannot write", out_path);
    return total;
}

int
main(int argc, char **argv)
{
    if (argc < 3)
        usage("missing arguments");
    const char *symbol = argv[2];
    if (!is_identifier(symbol))
        usage("SYMBOL must be a C identifier");
    for (int i = 3; i < argc; i++)
        if (!strchr(argv[i], '=') || argv[i][0] == '=')
            usage("files are given as NAME=PATH");

    out_path = argv[1];
    size_t out_len = strlen(out_path);
    tmp_path = malloc(out_len + sizeof ".tmp");
    if (!tmp_path)
        fail("out of memory for", out_path);
    memcpy(tmp_path, out_path, out_len);
    memcpy(tmp_path + out_len, ".tmp", sizeof ".tmp");
    errno = 0;
    out = fopen(tmp_path, "w");
    if (!out) {
        const char *failed = tmp_path;
        tmp_path = NULL; /* nothing of ours to remove */
        fail("cannot create", failed);
    }

    if (fprintf(out,
                "/* Generated by tools/embed.c; do not edit. */\n"
                "#include \"util/embedded.h\"\n"
                "\n"
                "#if defined(__GNUC__)\n"
                "#pragma GCC diagnostic ignored \"-Woverlength-strings\"\n"
                "#endif\n"
                "\n"
                "extern const struct embedded_file %s[];\n"
                "const struct embedded_file %s[] = {\n",
                symbol, symbol) < 0)
        fail("cannot write", out_path);

    for (int i = 3; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        const char *path = eq + 1;

        if (fputs("    {", out) == EOF)
            fail("cannot write", out_path);
        put_literal(argv[i], (size_t)(eq - argv[i]));
        if (fputs(", (const unsigned char *)", out) == EOF)
            fail("cannot write", out_path);
        size_t len = put_file(path);
        if (fprintf(out, ",\n        %zu},\n", len) < 0)
            fail("cannot write", out_path);
    }
    if (fputs("    {NULL, NULL, 0}\n};\n", out) == EOF)
        fail("cannot write", out_path);

    errno = 0;
    if (fflush(out) != 0 || ferror(out))
        fail("cannot write", out_path);
    FILE *done = out;
    out = NULL;
    if (fclose(done) != 0)
        fail("cannot write", out_path);
    if (rename(tmp_path, out_path) != 0)
        fail("cannot rename to", out_path);
    free(tmp_path);
    return 0;
}
