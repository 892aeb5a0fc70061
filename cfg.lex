/* cfg.lex: the config lexer (reentrant; all state lives in the scanner and
 * in its struct cfg_parser).  Words are looked up in a sorted keyword
 * table; anything word-like that is not a keyword or a plain identifier
 * (addresses, tls:1.2.3.4:5061, [::1]:5060, 10.0.0.0/8, TLSv1.2+ ...) is
 * one ADDR token, passed on as written. */
%option reentrant bison-bridge bison-locations
%option noyywrap nounput noinput never-interactive nodefault warn
%option prefix="cfg_lx"
%option extra-type="struct cfg_parser *"

%top{
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
}

%{
#include "cfg/cfg.h"
#include "base/err.h"
#include "mem/pkg.h"
#include "cfg.tab.h"

#define YYSTYPE CFG_YYSTYPE
#define YYLTYPE CFG_YYLTYPE

static void cfg_step(struct cfg_parser *p, YYLTYPE *l, const char *t,
    size_t n);
static int cfg_word(struct cfg_parser *p, YYSTYPE *v, const YYLTYPE *l,
    const char *t, size_t n);
static int cfg_string(struct cfg_parser *p, YYSTYPE *v, const YYLTYPE *l,
    const char *t, size_t n, int closed);
static int cfg_number(struct cfg_parser *p, YYSTYPE *v, const YYLTYPE *l,
    const char *t, size_t n);
static int cfg_text(struct cfg_parser *p, YYSTYPE *v, const YYLTYPE *l,
    const char *t, size_t n, int tok);
static void cfg_badchar(struct cfg_parser *p, const YYLTYPE *l, int c);

#define YY_USER_ACTION cfg_step(yyextra, yylloc, yytext, (size_t)yyleng);
%}

SEG	[A-Za-z0-9_.+\-]|"/"[A-Za-z0-9_.+\-]|"*"|"["[0-9a-fA-F.]*":"[0-9a-fA-F.]*":"[0-9a-fA-F:.]*"]"
WORD	({SEG}|":")+
PVARG	[A-Za-z0-9_:.@*|/+\-]*

%x COMMENT

%%

[ \t\r\f\v\n]+		;
"#"[^\n]*		;
"/*"			{ BEGIN(COMMENT);
			  yyextra->cstart_line = yylloc->first_line;
			  yyextra->cstart_col = yylloc->first_column; }
<COMMENT>"*/"		BEGIN(INITIAL);
<COMMENT>[^*]+		;
<COMMENT>"*"		;
<COMMENT><<EOF>>	{ struct cfg_pos pos = { yyextra->file,
			      yyextra->cstart_line, yyextra->cstart_col };
			  cfg_error(yyextra, &pos, "unterminated comment");
			  BEGIN(INITIAL); yyterminate(); }

\"(\\(.|\n)|[^\\"])*\"	return cfg_string(yyextra, yylval, yylloc, yytext, (size_t)yyleng, 1);
\"(\\(.|\n)|[^\\"])*\\?	return cfg_string(yyextra, yylval, yylloc, yytext, (size_t)yyleng, 0);
"$"[A-Za-z_][A-Za-z0-9_]*("("{PVARG}")")?	return cfg_text(yyextra, yylval, yylloc, yytext, (size_t)yyleng, PV);
-?[0-9]+		return cfg_number(yyextra, yylval, yylloc, yytext, (size_t)yyleng);
{WORD}			return cfg_word(yyextra, yylval, yylloc, yytext, (size_t)yyleng);
"=="			return EQ;
"!="			return NE;
"=~"			return RE;
"!~"			return NRE;
">="			return GE;
"<="			return LE;
"&&"			return AND;
"||"			return OR;
[(){}\[\];,=<>!]	return yytext[0];
.			cfg_badchar(yyextra, yylloc, (unsigned char)yytext[0]);

%%

/* Positions: lines and columns from 1; a tab counts as one column. */
static void
cfg_step(struct cfg_parser *p, YYLTYPE *l, const char *t, size_t n)
{
	size_t i;

	l->first_line = p->line;
	l->first_column = p->col;
	for (i = 0; i < n; i++) {
		if (t[i] == '\n') {
			p->line++;
			p->col = 1;
		} else {
			p->col++;
		}
	}
	l->last_line = p->line;
	l->last_column = p->col;
}

/* clang-format off */
static const struct keyword {
	const char *name;
	int tok;
	int opd;        /* ATTR: the operand type */
} keywords[] = {        /* sorted by strcmp */
	{ "af",                ATTR,              OPD_AF },
	{ "branch_route",      BRANCH_ROUTE,      0 },
	{ "break",             BREAK,             0 },
	{ "drop",              DROP,              0 },
	{ "dst_ip",            ATTR,              OPD_DST_IP },
	{ "dst_port",          ATTR,              OPD_DST_PORT },
	{ "else",              ELSE,              0 },
	{ "exit",              EXIT,              0 },
	{ "failure_route",     FAILURE_ROUTE,     0 },
	{ "from_uri",          ATTR,              OPD_FROM_URI },
	{ "if",                IF,                0 },
	{ "loadmodule",        LOADMODULE,        0 },
	{ "method",            ATTR,              OPD_METHOD },
	{ "modparam",          MODPARAM,          0 },
	{ "msg:len",           ATTR,              OPD_MSGLEN },
	{ "myself",            ATTR,              OPD_MYSELF },
	{ "onreply_route",     ONREPLY_ROUTE,     0 },
	{ "proto",             ATTR,              OPD_PROTO },
	{ "retcode",           ATTR,              OPD_RETCODE },
	{ "return",            RETURN,            0 },
	{ "route",             ROUTE,             0 },
	{ "src_ip",            ATTR,              OPD_SRC_IP },
	{ "src_port",          ATTR,              OPD_SRC_PORT },
	{ "tls_client_domain", TLS_CLIENT_DOMAIN, 0 },
	{ "tls_server_domain", TLS_SERVER_DOMAIN, 0 },
	{ "to_uri",            ATTR,              OPD_TO_URI },
	{ "uri",               ATTR,              OPD_URI },
};
/* clang-format on */

static int
kw_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct keyword *)elem)->name);
}

static int
cfg_text(struct cfg_parser *p, YYSTYPE *v, const YYLTYPE *l, const char *t,
    size_t n, int tok)
{
	struct cfg_pos pos = { p->file, l->first_line, l->first_column };

	snprintf(p->last, sizeof(p->last), "%.*s",
	    (int)(n < sizeof(p->last) ? n : sizeof(p->last) - 1), t);
	if (n >= sizeof(p->last))
		memcpy(p->last + sizeof(p->last) - 4, "...", 4);
	v->tok.n = 0;
	v->tok.len = n;
	if ((v->tok.s = pkg_strndup(t, n)) == NULL) {
		cfg_error(p, &pos, "out of memory");
		v->tok.len = 0;
		if ((v->tok.s = pkg_strndup("", 0)) == NULL)
			return ';';
	}
	return tok;
}

static int
cfg_word(struct cfg_parser *p, YYSTYPE *v, const YYLTYPE *l, const char *t,
    size_t n)
{
	const struct keyword *k;
	char buf[32];
	size_t i;

	if (n < sizeof(buf)) {
		memcpy(buf, t, n);
		buf[n] = '\0';
		k = bsearch(buf, keywords, sizeof(keywords) / sizeof(keywords[0]),
		    sizeof(keywords[0]), kw_cmp);
		if (k != NULL) {
			if (k->tok == ATTR)
				v->op = k->opd;
			return k->tok;
		}
	}
	if (!isalpha((unsigned char)t[0]) && t[0] != '_')
		return cfg_text(p, v, l, t, n, ADDR);
	for (i = 1; i < n; i++)
		if (!isalnum((unsigned char)t[i]) && t[i] != '_')
			return cfg_text(p, v, l, t, n, ADDR);
	return cfg_text(p, v, l, t, n, ID);
}

static int
cfg_number(struct cfg_parser *p, YYSTYPE *v, const YYLTYPE *l, const char *t,
    size_t n)
{
	struct cfg_pos pos = { p->file, l->first_line, l->first_column };
	int tok = cfg_text(p, v, l, t, n, NUMBER);
	long x;

	errno = 0;
	x = strtol(v->tok.s, NULL, 10);
	if (errno == ERANGE || x < INT_MIN || x > INT_MAX)
		cfg_error(p, &pos, "number %s out of range", v->tok.s);
	v->tok.n = x;
	return tok;
}

/* A quoted string: drop the quotes, resolve \" \\ \n \r \t (other
 * escapes stay as written, so regular expressions keep their "\."). */
static int
cfg_string(struct cfg_parser *p, YYSTYPE *v, const YYLTYPE *l, const char *t,
    size_t n, int closed)
{
	struct cfg_pos pos = { p->file, l->first_line, l->first_column };
	size_t i, o = 0, end = closed ? n - 1 : n;
	char *s;

	if (!closed)
		cfg_error(p, &pos, "unterminated string");
	if (cfg_text(p, v, l, t, n, STRING) != STRING)
		return ';';
	s = v->tok.s;
	for (i = 1; i < end; i++) {
		if (t[i] != '\\' || i + 1 >= end) {
			s[o++] = t[i];
			continue;
		}
		switch (t[++i]) {
		case 'n': s[o++] = '\n'; break;
		case 'r': s[o++] = '\r'; break;
		case 't': s[o++] = '\t'; break;
		case '"': s[o++] = '"'; break;
		case '\\': s[o++] = '\\'; break;
		default:
			s[o++] = '\\';
			s[o++] = t[i];
			break;
		}
	}
	s[o] = '\0';
	v->tok.len = o;
	return STRING;
}

static void
cfg_badchar(struct cfg_parser *p, const YYLTYPE *l, int c)
{
	struct cfg_pos pos = { p->file, l->first_line, l->first_column };

	if (isprint(c))
		cfg_error(p, &pos, "invalid character '%c'", c);
	else
		cfg_error(p, &pos, "invalid character '\\x%02x'", c);
}

int
cfg_scan_run(struct cfg_parser *p, const char *buf, size_t len)
{
	yyscan_t sc;
	YY_BUFFER_STATE b;
	int rc;

	if (len > INT_MAX / 2)
		return E_TOOBIG;
	if (cfg_lxlex_init_extra(p, &sc) != 0)
		return E_NOMEM;
	if ((b = cfg_lx_scan_bytes(buf, (int)len, sc)) == NULL) {
		cfg_lxlex_destroy(sc);
		return E_NOMEM;
	}
	p->scanner = sc;
	p->line = 1;
	p->col = 1;
	rc = cfg_yyparse(p);
	cfg_lx_delete_buffer(b, sc);
	cfg_lxlex_destroy(sc);
	p->scanner = NULL;
	return rc == 2 ? E_NOMEM : 0;
}
