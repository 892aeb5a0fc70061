/* A Bison parser, made by GNU Bison 3.8.2.  */

/* Bison implementation for Yacc-like parsers in C

   Copyright (C) 1984, 1989-1990, 2000-2015, 2018-2021 Free Software Foundation,
   Inc.

   This program is free software: you can redistribute it and/or modify
   it under the terms of the GNU General Public License as published by
   the Free Software Foundation, either version 3 of the License, or
   (at your option) any later version.

   This program is distributed in the hope that it will be useful,
   but WITHOUT ANY WARRANTY; without even the implied warranty of
   MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
   GNU General Public License for more details.

   You should have received a copy of the GNU General Public License
   along with this program.  If not, see <https://www.gnu.org/licenses/>.  */

/* As a special exception, you may create a larger work that contains
   part or all of the Bison parser skeleton and distribute that work
   under terms of your choice, so long as that work isn't itself a
   parser generator using the skeleton or a modified version thereof
   as a parser skeleton.  Alternatively, if you modify or redistribute
   the parser skeleton itself, you may (at your option) remove this
   special exception, which will cause the skeleton and the resulting
   Bison output files to be licensed under the GNU General Public
   License without this special exception.

   This special exception was added by the Free Software Foundation in
   version 2.2 of Bison.  */

/* C LALR(1) parser skeleton written by Richard Stallman, by
   simplifying the original so-called "semantic" parser.  */

/* DO NOT RELY ON FEATURES THAT ARE NOT DOCUMENTED in the manual,
   especially those whose name start with YY_ or yy_.  They are
   private implementation details that can be changed or removed.  */

/* All symbols defined below should begin with yy or YY, to avoid
   infringing on user name space.  This should be done even for local
   variables, as they might otherwise be expanded by user macros.
   There are some unavoidable exceptions within include files to
   define necessary library symbols; they are noted "INFRINGES ON
   USER NAME SPACE" below.  */

/* Identify Bison output, and Bison version.  */
#define YYBISON 30802

/* Bison version string.  */
#define YYBISON_VERSION "3.8.2"

/* Skeleton name.  */
#define YYSKELETON_NAME "yacc.c"

/* Pure parsers.  */
#define YYPURE 2

/* Push parsers.  */
#define YYPUSH 0

/* Pull parsers.  */
#define YYPULL 1

/* Substitute the type names.  */
#define YYSTYPE         CFG_YYSTYPE
#define YYLTYPE         CFG_YYLTYPE
/* Substitute the variable and function names.  */
#define yyparse         cfg_yyparse
#define yylex           cfg_yylex
#define yyerror         cfg_yyerror
#define yydebug         cfg_yydebug
#define yynerrs         cfg_yynerrs


# ifndef YY_CAST
#  ifdef __cplusplus
#   define YY_CAST(Type, Val) static_cast<Type> (Val)
#   define YY_REINTERPRET_CAST(Type, Val) reinterpret_cast<Type> (Val)
#  else
#   define YY_CAST(Type, Val) ((Type) (Val))
#   define YY_REINTERPRET_CAST(Type, Val) ((Type) (Val))
#  endif
# endif
# ifndef YY_NULLPTR
#  if defined __cplusplus
#   if 201103L <= __cplusplus
#    define YY_NULLPTR nullptr
#   else
#    define YY_NULLPTR 0
#   endif
#  else
#   define YY_NULLPTR ((void*)0)
#  endif
# endif

#include "cfg.tab.h"
/* Symbol kind.  */
enum yysymbol_kind_t
{
  YYSYMBOL_YYEMPTY = -2,
  YYSYMBOL_YYEOF = 0,                      /* "end of file"  */
  YYSYMBOL_YYerror = 1,                    /* error  */
  YYSYMBOL_YYUNDEF = 2,                    /* "invalid token"  */
  YYSYMBOL_ID = 3,                         /* "identifier"  */
  YYSYMBOL_ADDR = 4,                       /* "word"  */
  YYSYMBOL_STRING = 5,                     /* "string"  */
  YYSYMBOL_NUMBER = 6,                     /* "number"  */
  YYSYMBOL_PV = 7,                         /* "pseudo-variable"  */
  YYSYMBOL_ATTR = 8,                       /* "message attribute"  */
  YYSYMBOL_ROUTE = 9,                      /* "route"  */
  YYSYMBOL_FAILURE_ROUTE = 10,             /* "failure_route"  */
  YYSYMBOL_ONREPLY_ROUTE = 11,             /* "onreply_route"  */
  YYSYMBOL_BRANCH_ROUTE = 12,              /* "branch_route"  */
  YYSYMBOL_LOADMODULE = 13,                /* "loadmodule"  */
  YYSYMBOL_MODPARAM = 14,                  /* "modparam"  */
  YYSYMBOL_TLS_SERVER_DOMAIN = 15,         /* "tls_server_domain"  */
  YYSYMBOL_TLS_CLIENT_DOMAIN = 16,         /* "tls_client_domain"  */
  YYSYMBOL_IF = 17,                        /* "if"  */
  YYSYMBOL_ELSE = 18,                      /* "else"  */
  YYSYMBOL_BREAK = 19,                     /* "break"  */
  YYSYMBOL_EXIT = 20,                      /* "exit"  */
  YYSYMBOL_DROP = 21,                      /* "drop"  */
  YYSYMBOL_RETURN = 22,                    /* "return"  */
  YYSYMBOL_EQ = 23,                        /* "=="  */
  YYSYMBOL_NE = 24,                        /* "!="  */
  YYSYMBOL_RE = 25,                        /* "=~"  */
  YYSYMBOL_NRE = 26,                       /* "!~"  */
  YYSYMBOL_GE = 27,                        /* ">="  */
  YYSYMBOL_LE = 28,                        /* "<="  */
  YYSYMBOL_AND = 29,                       /* "&&"  */
  YYSYMBOL_OR = 30,                        /* "||"  */
  YYSYMBOL_31_ = 31,                       /* '!'  */
  YYSYMBOL_LOWER_THAN_ELSE = 32,           /* LOWER_THAN_ELSE  */
  YYSYMBOL_33_ = 33,                       /* '='  */
  YYSYMBOL_34_ = 34,                       /* ';'  */
  YYSYMBOL_35_ = 35,                       /* '('  */
  YYSYMBOL_36_ = 36,                       /* ','  */
  YYSYMBOL_37_ = 37,                       /* ')'  */
  YYSYMBOL_38_ = 38,                       /* '{'  */
  YYSYMBOL_39_ = 39,                       /* '}'  */
  YYSYMBOL_40_ = 40,                       /* '['  */
  YYSYMBOL_41_ = 41,                       /* ']'  */
  YYSYMBOL_42_ = 42,                       /* '>'  */
  YYSYMBOL_43_ = 43,                       /* '<'  */
  YYSYMBOL_YYACCEPT = 44,                  /* $accept  */
  YYSYMBOL_cfg = 45,                       /* cfg  */
  YYSYMBOL_top = 46,                       /* top  */
  YYSYMBOL_value = 47,                     /* value  */
  YYSYMBOL_route_head = 48,                /* route_head  */
  YYSYMBOL_rname = 49,                     /* rname  */
  YYSYMBOL_domain_head = 50,               /* domain_head  */
  YYSYMBOL_daddr = 51,                     /* daddr  */
  YYSYMBOL_dom_items = 52,                 /* dom_items  */
  YYSYMBOL_dom_item = 53,                  /* dom_item  */
  YYSYMBOL_stmts = 54,                     /* stmts  */
  YYSYMBOL_stmt = 55,                      /* stmt  */
  YYSYMBOL_call = 56,                      /* call  */
  YYSYMBOL_args = 57,                      /* args  */
  YYSYMBOL_cond = 58,                      /* cond  */
  YYSYMBOL_lhs = 59,                       /* lhs  */
  YYSYMBOL_rhs = 60,                       /* rhs  */
  YYSYMBOL_rval = 61,                      /* rval  */
  YYSYMBOL_cmpop = 62                      /* cmpop  */
};
typedef enum yysymbol_kind_t yysymbol_kind_t;



/* Unqualified %code blocks.  */
#line 33 "cfg.y"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "mem/pkg.h"

/* The flex scanner (cfg.lex, prefix cfg_lx). */
int cfg_lxlex(CFG_YYSTYPE *lval, CFG_YYLTYPE *lloc, void *scanner);

static int
cfg_yylex(CFG_YYSTYPE *lval, CFG_YYLTYPE *lloc, struct cfg_parser *p)
{
	return cfg_lxlex(lval, lloc, p->scanner);
}

static void cfg_yyerror(CFG_YYLTYPE *loc, struct cfg_parser *p,
    const char *msg);

static struct cfg_pos
pos_of(struct cfg_parser *p, const CFG_YYLTYPE *l)
{
	struct cfg_pos pos = { .file = p->file, .line = l->first_line,
		.col = l->first_column };

	return pos;
}
#define POS(l) pos_of(p, &(l))

static void
oom(struct cfg_parser *p, const CFG_YYLTYPE *l)
{
	struct cfg_pos pos = pos_of(p, l);

	cfg_error(p, &pos, "out of memory");
}

static struct cfg_val
val_of(struct cfg_parser *p, enum cfg_val_type t, const struct cfg_tok *k,
    const CFG_YYLTYPE *l)
{
	struct cfg_val v = { .type = t, .n = k->n, .s = k->s, .len = k->len,
		.pos = pos_of(p, l) };

	return v;
}

static struct operand
opd_tok(struct cfg_parser *p, enum operand_type t, struct cfg_tok *k,
    const CFG_YYLTYPE *l)
{
	struct operand o = { .type = t, .s = k->s, .len = k->len, .n = k->n,
		.pos = pos_of(p, l) };

	return o;
}

static struct operand
opd_kw(struct cfg_parser *p, int t, const CFG_YYLTYPE *l)
{
	struct operand o = { .type = (enum operand_type)t,
		.pos = pos_of(p, l) };

	return o;
}

/* A new action, or NULL after reporting OOM. */
static struct action *
mk_action(struct cfg_parser *p, enum action_type t, const CFG_YYLTYPE *l)
{
	struct cfg_pos pos = pos_of(p, l);
	struct action *a = action_new(t, &pos);

	if (a == NULL)
		oom(p, l);
	return a;
}

/* Add one argument to the A_CALL a (created when NULL); takes k->s. */
static struct action *
add_arg(struct cfg_parser *p, struct action *a, enum arg_type t,
    struct cfg_tok *k, const CFG_YYLTYPE *l)
{
	struct cfg_pos pos = pos_of(p, l);

	if (a == NULL && (a = mk_action(p, A_CALL, l)) == NULL) {
		pkg_free(k->s);
		return NULL;
	}
	if (a->nargs >= MAX_ACTION_ARGS) {
		if (a->nargs++ == MAX_ACTION_ARGS)
			cfg_error(p, &pos, "too many arguments (at most %d)",
			    MAX_ACTION_ARGS);
		pkg_free(k->s);
		return a;
	}
	a->args[a->nargs].type = t;
	a->args[a->nargs].s = k->s;
	a->args[a->nargs].len = k->len;
	a->args[a->nargs].n = k->n;
	a->nargs++;
	return a;
}

/* Finish a call: name it (takes name); args may be NULL (no arguments). */
static struct action *
mk_call(struct cfg_parser *p, char *name, struct action *args,
    const CFG_YYLTYPE *l)
{
	if (args == NULL && (args = mk_action(p, A_CALL, l)) == NULL) {
		pkg_free(name);
		return NULL;
	}
	if (args->nargs > MAX_ACTION_ARGS)
		args->nargs = MAX_ACTION_ARGS;
	args->name = name;
	args->pos = pos_of(p, l);
	return args;
}

static struct expr *
mk_expr(struct cfg_parser *p, enum expr_type t, struct expr *l,
    struct expr *r, const CFG_YYLTYPE *loc)
{
	struct cfg_pos pos = pos_of(p, loc);
	struct expr *e = expr_new(t, &pos);

	if (e == NULL) {
		oom(p, loc);
		expr_free(l);
		expr_free(r);
		return NULL;
	}
	e->l = l;
	e->r = r;
	return e;
}

static struct expr *
mk_cmp(struct cfg_parser *p, struct operand *lhs, int op, struct operand *rhs,
    const CFG_YYLTYPE *loc)
{
	struct expr *e = mk_expr(p, EXP_CMP, NULL, NULL, loc);

	if (e == NULL) {
		pkg_free(lhs->s);
		pkg_free(rhs->s);
		return NULL;
	}
	e->op = (enum expr_op)op;
	e->lhs = *lhs;
	e->rhs = *rhs;
	e->pos = lhs->pos;
	return e;
}

/* A { } block standing as an if branch becomes its list. */
static struct action *
unwrap(struct action *a)
{
	struct action *l;

	if (a == NULL || a->type != A_BLOCK || a->next != NULL)
		return a;
	l = a->then_a;
	a->then_a = NULL;
	action_free_list(a);
	return l;
}

static struct action *
mk_if(struct cfg_parser *p, struct expr *c, struct action *t,
    struct action *e, const CFG_YYLTYPE *l)
{
	struct action *a = mk_action(p, A_IF, l);

	if (a == NULL) {
		expr_free(c);
		action_free_list(t);
		action_free_list(e);
		return NULL;
	}
	a->cond = c;
	a->then_a = unwrap(t);
	a->else_a = unwrap(e);
	return a;
}

#line 362 "build-san/cfg.tab.c"

#ifdef short
# undef short
#endif

/* On compilers that do not define __PTRDIFF_MAX__ etc., make sure
   <limits.h> and (if available) <stdint.h> are included
   so that the code can choose integer types of a good width.  */

#ifndef __PTRDIFF_MAX__
# include <limits.h> /* INFRINGES ON USER NAME SPACE */
# if defined __STDC_VERSION__ && 199901 <= __STDC_VERSION__
#  include <stdint.h> /* INFRINGES ON USER NAME SPACE */
#  define YY_STDINT_H
# endif
#endif

/* Narrow types that promote to a signed type and that can represent a
   signed or unsigned integer of at least N bits.  In tables they can
   save space and decrease cache pressure.  Promoting to a signed type
   helps avoid bugs in integer arithmetic.  */

#ifdef __INT_LEAST8_MAX__
typedef __INT_LEAST8_TYPE__ yytype_int8;
#elif defined YY_STDINT_H
typedef int_least8_t yytype_int8;
#else
typedef signed char yytype_int8;
#endif

#ifdef __INT_LEAST16_MAX__
typedef __INT_LEAST16_TYPE__ yytype_int16;
#elif defined YY_STDINT_H
typedef int_least16_t yytype_int16;
#else
typedef short yytype_int16;
#endif

/* Work around bug in HP-UX 11.23, which defines these macros
   incorrectly for preprocessor constants.  This workaround can likely
   be removed in 2023, as HPE has promised support for HP-UX 11.23
   (aka HP-UX 11i v2) only through the end of 2022; see Table 2 of
   <https://h20195.www2.hpe.com/V2/getpdf.aspx/4AA4-7673ENW.pdf>.  */
#ifdef __hpux
# undef UINT_LEAST8_MAX
# undef UINT_LEAST16_MAX
# define UINT_LEAST8_MAX 255
# define UINT_LEAST16_MAX 65535
#endif

#if defined __UINT_LEAST8_MAX__ && __UINT_LEAST8_MAX__ <= __INT_MAX__
typedef __UINT_LEAST8_TYPE__ yytype_uint8;
#elif (!defined __UINT_LEAST8_MAX__ && defined YY_STDINT_H \
       && UINT_LEAST8_MAX <= INT_MAX)
typedef uint_least8_t yytype_uint8;
#elif !defined __UINT_LEAST8_MAX__ && UCHAR_MAX <= INT_MAX
typedef unsigned char yytype_uint8;
#else
typedef short yytype_uint8;
#endif

#if defined __UINT_LEAST16_MAX__ && __UINT_LEAST16_MAX__ <= __INT_MAX__
typedef __UINT_LEAST16_TYPE__ yytype_uint16;
#elif (!defined __UINT_LEAST16_MAX__ && defined YY_STDINT_H \
       && UINT_LEAST16_MAX <= INT_MAX)
typedef uint_least16_t yytype_uint16;
#elif !defined __UINT_LEAST16_MAX__ && USHRT_MAX <= INT_MAX
typedef unsigned short yytype_uint16;
#else
typedef int yytype_uint16;
#endif

#ifndef YYPTRDIFF_T
# if defined __PTRDIFF_TYPE__ && defined __PTRDIFF_MAX__
#  define YYPTRDIFF_T __PTRDIFF_TYPE__
#  define YYPTRDIFF_MAXIMUM __PTRDIFF_MAX__
# elif defined PTRDIFF_MAX
#  ifndef ptrdiff_t
#   include <stddef.h> /* INFRINGES ON USER NAME SPACE */
#  endif
#  define YYPTRDIFF_T ptrdiff_t
#  define YYPTRDIFF_MAXIMUM PTRDIFF_MAX
# else
#  define YYPTRDIFF_T long
#  define YYPTRDIFF_MAXIMUM LONG_MAX
# endif
#endif

#ifndef YYSIZE_T
# ifdef __SIZE_TYPE__
#  define YYSIZE_T __SIZE_TYPE__
# elif defined size_t
#  define YYSIZE_T size_t
# elif defined __STDC_VERSION__ && 199901 <= __STDC_VERSION__
#  include <stddef.h> /* INFRINGES ON USER NAME SPACE */
#  define YYSIZE_T size_t
# else
#  define YYSIZE_T unsigned
# endif
#endif

#define YYSIZE_MAXIMUM                                  \
  YY_CAST (YYPTRDIFF_T,                                 \
           (YYPTRDIFF_MAXIMUM < YY_CAST (YYSIZE_T, -1)  \
            ? YYPTRDIFF_MAXIMUM                         \
            : YY_CAST (YYSIZE_T, -1)))

#define YYSIZEOF(X) YY_CAST (YYPTRDIFF_T, sizeof (X))


/* Stored state numbers (used for stacks). */
typedef yytype_uint8 yy_state_t;

/* State numbers in computations.  */
typedef int yy_state_fast_t;

#ifndef YY_
# if defined YYENABLE_NLS && YYENABLE_NLS
#  if ENABLE_NLS
#   include <libintl.h> /* INFRINGES ON USER NAME SPACE */
#   define YY_(Msgid) dgettext ("bison-runtime", Msgid)
#  endif
# endif
# ifndef YY_
#  define YY_(Msgid) Msgid
# endif
#endif


#ifndef YY_ATTRIBUTE_PURE
# if defined __GNUC__ && 2 < __GNUC__ + (96 <= __GNUC_MINOR__)
#  define YY_ATTRIBUTE_PURE __attribute__ ((__pure__))
# else
#  define YY_ATTRIBUTE_PURE
# endif
#endif

#ifndef YY_ATTRIBUTE_UNUSED
# if defined __GNUC__ && 2 < __GNUC__ + (7 <= __GNUC_MINOR__)
#  define YY_ATTRIBUTE_UNUSED __attribute__ ((__unused__))
# else
#  define YY_ATTRIBUTE_UNUSED
# endif
#endif

/* Suppress unused-variable warnings by "using" E.  */
#if ! defined lint || defined __GNUC__
# define YY_USE(E) ((void) (E))
#else
# define YY_USE(E) /* empty */
#endif

/* Suppress an incorrect diagnostic about yylval being uninitialized.  */
#if defined __GNUC__ && ! defined __ICC && 406 <= __GNUC__ * 100 + __GNUC_MINOR__
# if __GNUC__ * 100 + __GNUC_MINOR__ < 407
#  define YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN                           \
    _Pragma ("GCC diagnostic push")                                     \
    _Pragma ("GCC diagnostic ignored \"-Wuninitialized\"")
# else
#  define YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN                           \
    _Pragma ("GCC diagnostic push")                                     \
    _Pragma ("GCC diagnostic ignored \"-Wuninitialized\"")              \
    _Pragma ("GCC diagnostic ignored \"-Wmaybe-uninitialized\"")
# endif
# define YY_IGNORE_MAYBE_UNINITIALIZED_END      \
    _Pragma ("GCC diagnostic pop")
#else
# define YY_INITIAL_VALUE(Value) Value
#endif
#ifndef YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
# define YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
# define YY_IGNORE_MAYBE_UNINITIALIZED_END
#endif
#ifndef YY_INITIAL_VALUE
# define YY_INITIAL_VALUE(Value) /* Nothing. */
#endif

#if defined __cplusplus && defined __GNUC__ && ! defined __ICC && 6 <= __GNUC__
# define YY_IGNORE_USELESS_CAST_BEGIN                          \
    _Pragma ("GCC diagnostic push")                            \
    _Pragma ("GCC diagnostic ignored \"-Wuseless-cast\"")
# define YY_IGNORE_USELESS_CAST_END            \
    _Pragma ("GCC diagnostic pop")
#endif
#ifndef YY_IGNORE_USELESS_CAST_BEGIN
# define YY_IGNORE_USELESS_CAST_BEGIN
# define YY_IGNORE_USELESS_CAST_END
#endif


#define YY_ASSERT(E) ((void) (0 && (E)))

#if 1

/* The parser invokes alloca or malloc; define the necessary symbols.  */

# ifdef YYSTACK_USE_ALLOCA
#  if YYSTACK_USE_ALLOCA
#   ifdef __GNUC__
#    define YYSTACK_ALLOC __builtin_alloca
#   elif defined __BUILTIN_VA_ARG_INCR
#    include <alloca.h> /* INFRINGES ON USER NAME SPACE */
#   elif defined _AIX
#    define YYSTACK_ALLOC __alloca
#   elif defined _MSC_VER
#    include <malloc.h> /* INFRINGES ON USER NAME SPACE */
#    define alloca _alloca
#   else
#    define YYSTACK_ALLOC alloca
#    if ! defined _ALLOCA_H && ! defined EXIT_SUCCESS
#     include <stdlib.h> /* INFRINGES ON USER NAME SPACE */
      /* Use EXIT_SUCCESS as a witness for stdlib.h.  */
#     ifndef EXIT_SUCCESS
#      define EXIT_SUCCESS 0
#     endif
#    endif
#   endif
#  endif
# endif

# ifdef YYSTACK_ALLOC
   /* Pacify GCC's 'empty if-body' warning.  */
#  define YYSTACK_FREE(Ptr) do { /* empty */; } while (0)
#  ifndef YYSTACK_ALLOC_MAXIMUM
    /* The OS might guarantee only one guard page at the bottom of the stack,
       and a page size can be as small as 4096 bytes.  So we cannot safely
       invoke alloca (N) if N exceeds 4096.  Use a slightly smaller number
       to allow for a few compiler-allocated temporary stack slots.  */
#   define YYSTACK_ALLOC_MAXIMUM 4032 /* reasonable circa 2006 */
#  endif
# else
#  define YYSTACK_ALLOC YYMALLOC
#  define YYSTACK_FREE YYFREE
#  ifndef YYSTACK_ALLOC_MAXIMUM
#   define YYSTACK_ALLOC_MAXIMUM YYSIZE_MAXIMUM
#  endif
#  if (defined __cplusplus && ! defined EXIT_SUCCESS \
       && ! ((defined YYMALLOC || defined malloc) \
             && (defined YYFREE || defined free)))
#   include <stdlib.h> /* INFRINGES ON USER NAME SPACE */
#   ifndef EXIT_SUCCESS
#    define EXIT_SUCCESS 0
#   endif
#  endif
#  ifndef YYMALLOC
#   define YYMALLOC malloc
#   if ! defined malloc && ! defined EXIT_SUCCESS
void *malloc (YYSIZE_T); /* INFRINGES ON USER NAME SPACE */
#   endif
#  endif
#  ifndef YYFREE
#   define YYFREE free
#   if ! defined free && ! defined EXIT_SUCCESS
void free (void *); /* INFRINGES ON USER NAME SPACE */
#   endif
#  endif
# endif
#endif /* 1 */

#if (! defined yyoverflow \
     && (! defined __cplusplus \
         || (defined CFG_YYLTYPE_IS_TRIVIAL && CFG_YYLTYPE_IS_TRIVIAL \
             && defined CFG_YYSTYPE_IS_TRIVIAL && CFG_YYSTYPE_IS_TRIVIAL)))

/* A type that is properly aligned for any stack member.  */
union yyalloc
{
  yy_state_t yyss_alloc;
  YYSTYPE yyvs_alloc;
  YYLTYPE yyls_alloc;
};

/* The size of the maximum gap between one aligned stack and the next.  */
# define YYSTACK_GAP_MAXIMUM (YYSIZEOF (union yyalloc) - 1)

/* The size of an array large to enough to hold all stacks, each with
   N elements.  */
# define YYSTACK_BYTES(N) \
     ((N) * (YYSIZEOF (yy_state_t) + YYSIZEOF (YYSTYPE) \
             + YYSIZEOF (YYLTYPE)) \
      + 2 * YYSTACK_GAP_MAXIMUM)

# define YYCOPY_NEEDED 1

/* Relocate STACK from its old location to the new one.  The
   local variables YYSIZE and YYSTACKSIZE give the old and new number of
   elements in the stack, and YYPTR gives the new location of the
   stack.  Advance YYPTR to a properly aligned location for the next
   stack.  */
# define YYSTACK_RELOCATE(Stack_alloc, Stack)                           \
    do                                                                  \
      {                                                                 \
        YYPTRDIFF_T yynewbytes;                                         \
        YYCOPY (&yyptr->Stack_alloc, Stack, yysize);                    \
        Stack = &yyptr->Stack_alloc;                                    \
        yynewbytes = yystacksize * YYSIZEOF (*Stack) + YYSTACK_GAP_MAXIMUM; \
        yyptr += yynewbytes / YYSIZEOF (*yyptr);                        \
      }                                                                 \
    while (0)

#endif

#if defined YYCOPY_NEEDED && YYCOPY_NEEDED
/* Copy COUNT objects from SRC to DST.  The source and destination do
   not overlap.  */
# ifndef YYCOPY
#  if defined __GNUC__ && 1 < __GNUC__
#   define YYCOPY(Dst, Src, Count) \
      __builtin_memcpy (Dst, Src, YY_CAST (YYSIZE_T, (Count)) * sizeof (*(Src)))
#  else
#   define YYCOPY(Dst, Src, Count)              \
      do                                        \
        {                                       \
          YYPTRDIFF_T yyi;                      \
          for (yyi = 0; yyi < (Count); yyi++)   \
            (Dst)[yyi] = (Src)[yyi];            \
        }                                       \
      while (0)
#  endif
# endif
#endif /* !YYCOPY_NEEDED */

/* YYFINAL -- State number of the termination state.  */
#define YYFINAL  2
/* YYLAST -- Last index in YYTABLE.  */
#define YYLAST   192

/* YYNTOKENS -- Number of terminals.  */
#define YYNTOKENS  44
/* YYNNTS -- Number of nonterminals.  */
#define YYNNTS  19
/* YYNRULES -- Number of rules.  */
#define YYNRULES  90
/* YYNSTATES -- Number of states.  */
#define YYNSTATES  161

/* YYMAXUTOK -- Last valid token kind.  */
#define YYMAXUTOK   286


/* YYTRANSLATE(TOKEN-NUM) -- Symbol number corresponding to TOKEN-NUM
   as returned by yylex, with out-of-bounds checking.  */
#define YYTRANSLATE(YYX)                                \
  (0 <= (YYX) && (YYX) <= YYMAXUTOK                     \
   ? YY_CAST (yysymbol_kind_t, yytranslate[YYX])        \
   : YYSYMBOL_YYUNDEF)

/* YYTRANSLATE[TOKEN-NUM] -- Symbol number corresponding to TOKEN-NUM
   as returned by yylex.  */
static const yytype_int8 yytranslate[] =
{
       0,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,    31,     2,     2,     2,     2,     2,     2,
      35,    37,     2,     2,    36,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,    34,
      43,    33,    42,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,    40,     2,    41,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,    38,     2,    39,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     1,     2,     3,     4,
       5,     6,     7,     8,     9,    10,    11,    12,    13,    14,
      15,    16,    17,    18,    19,    20,    21,    22,    23,    24,
      25,    26,    27,    28,    29,    30,    32
};

#if CFG_YYDEBUG
/* YYRLINE[YYN] -- Source line where rule number YYN was defined.  */
static const yytype_int16 yyrline[] =
{
       0,   285,   285,   286,   290,   291,   292,   296,   300,   304,
     308,   312,   313,   317,   318,   319,   320,   324,   325,   326,
     327,   328,   329,   332,   332,   332,   335,   339,   343,   349,
     349,   349,   352,   353,   357,   358,   359,   363,   364,   368,
     369,   372,   375,   381,   387,   388,   389,   390,   391,   392,
     398,   404,   413,   414,   418,   419,   420,   433,   434,   435,
     436,   437,   438,   439,   440,   441,   442,   446,   447,   448,
     449,   450,   451,   457,   466,   467,   471,   472,   476,   477,
     478,   479,   480,   484,   485,   486,   487,   488,   489,   490,
     491
};
#endif

/** Accessing symbol of state STATE.  */
#define YY_ACCESSING_SYMBOL(State) YY_CAST (yysymbol_kind_t, yystos[State])

#if 1
/* The user-facing name of the symbol whose (internal) number is
   YYSYMBOL.  No bounds checking.  */
static const char *yysymbol_name (yysymbol_kind_t yysymbol) YY_ATTRIBUTE_UNUSED;

static const char *
yysymbol_name (yysymbol_kind_t yysymbol)
{
  static const char *const yy_sname[] =
  {
  "end of file", "error", "invalid token", "identifier", "word", "string",
  "number", "pseudo-variable", "message attribute", "route",
  "failure_route", "onreply_route", "branch_route", "loadmodule",
  "modparam", "tls_server_domain", "tls_client_domain", "if", "else",
  "break", "exit", "drop", "return", "==", "!=", "=~", "!~", ">=", "<=",
  "&&", "||", "'!'", "LOWER_THAN_ELSE", "'='", "';'", "'('", "','", "')'",
  "'{'", "'}'", "'['", "']'", "'>'", "'<'", "$accept", "cfg", "top",
  "value", "route_head", "rname", "domain_head", "daddr", "dom_items",
  "dom_item", "stmts", "stmt", "call", "args", "cond", "lhs", "rhs",
  "rval", "cmpop", YY_NULLPTR
  };
  return yy_sname[yysymbol];
}
#endif

#define YYPACT_NINF (-108)

#define yypact_value_is_default(Yyn) \
  ((Yyn) == YYPACT_NINF)

#define YYTABLE_NINF (-74)

#define yytable_value_is_error(Yyn) \
  0

/* YYPACT[STATE-NUM] -- Index in YYTABLE of the portion describing
   STATE-NUM.  */
static const yytype_int16 yypact[] =
{
    -108,    61,  -108,  -108,   -27,   -15,    -7,    14,    29,    89,
      47,    62,    65,  -108,  -108,    70,    72,   138,    45,    45,
      45,    45,  -108,   147,    85,   142,  -108,  -108,  -108,  -108,
    -108,  -108,  -108,  -108,  -108,  -108,   114,   115,   118,   119,
     121,  -108,  -108,  -108,   120,   122,   124,     0,     1,  -108,
    -108,  -108,  -108,   153,  -108,  -108,  -108,   -21,   127,   131,
     132,   134,   136,   137,   139,     9,  -108,  -108,  -108,  -108,
     140,  -108,   135,  -108,  -108,  -108,   141,  -108,  -108,    53,
     123,   128,    78,  -108,  -108,  -108,   144,  -108,    -1,     7,
    -108,   138,    87,  -108,  -108,  -108,  -108,  -108,  -108,    42,
    -108,  -108,  -108,  -108,  -108,   145,   117,    74,  -108,    78,
      78,  -108,    77,    73,  -108,   129,   146,    -2,  -108,  -108,
     148,   149,   133,  -108,  -108,  -108,  -108,    88,    78,    78,
      46,  -108,  -108,  -108,  -108,  -108,  -108,  -108,  -108,   116,
     150,  -108,  -108,  -108,  -108,  -108,  -108,  -108,  -108,  -108,
    -108,  -108,   143,   154,   157,  -108,  -108,  -108,  -108,    46,
    -108
};

/* YYDEFACT[STATE-NUM] -- Default reduction number in state STATE-NUM.
   Performed when YYTABLE does not specify something else to do.  Zero
   means the default is an error.  */
static const yytype_int8 yydefact[] =
{
       2,     0,     1,    12,     0,    17,     0,    20,     0,     0,
       0,     0,     0,     5,     3,     0,     0,     0,     0,     0,
       0,     0,     6,     0,     0,     0,    37,    32,    15,    16,
      14,    13,     4,    24,    25,    23,     0,     0,     0,     0,
       0,    30,    29,    31,     0,     0,     0,     0,     0,    18,
      19,    21,    22,     0,    26,    28,    27,     0,     0,     0,
       0,     0,     0,     0,     0,     0,    52,    37,     9,    38,
       0,    36,     0,    35,    11,    33,     0,    53,    10,     0,
       0,     0,     0,    44,    45,    46,     0,    47,     0,     0,
      39,     0,     0,    59,    60,    57,    58,    61,    54,     0,
      80,    81,    78,    79,    82,     0,     0,    75,    74,     0,
       0,    72,     0,     0,    49,     0,     0,     0,    42,    34,
       0,     0,     0,    55,    51,    56,    69,     0,     0,     0,
       0,    83,    84,    85,    86,    89,    90,    87,    88,     0,
       0,    48,    43,     7,     8,    64,    65,    62,    63,    66,
      70,    68,    67,     0,    40,    77,    71,    76,    50,     0,
      41
};

/* YYPGOTO[NTERM-NUM].  */
static const yytype_int16 yypgoto[] =
{
    -108,  -108,  -108,    90,  -108,   130,  -108,   151,  -108,  -108,
     125,  -107,   -47,   101,   -98,  -108,  -108,    44,  -108
};

/* YYDEFGOTO[NTERM-NUM].  */
static const yytype_uint8 yydefgoto[] =
{
       0,     1,    14,    32,    15,    36,    16,    44,    48,    75,
      47,    69,   111,    99,   112,   113,   156,   105,   139
};

/* YYTABLE[YYPACT[STATE-NUM]] -- What to do in state STATE-NUM.  If
   positive, shift that token.  If negative, reduce the rule whose
   number is the opposite.  If YYTABLE_NINF, syntax error.  */
static const yytype_int16 yytable[] =
{
      70,    57,    71,    58,    72,   115,    17,    59,   117,    60,
      58,   126,   127,    77,    59,    86,    60,    61,    78,    62,
      63,    64,    65,   154,    61,    18,    62,    63,    64,    65,
     151,   152,    77,    19,    66,    73,   116,   142,    67,    68,
      74,    66,    70,    87,    88,    67,   118,   153,    33,    58,
      34,    35,   160,    59,    20,    60,    93,    94,    95,    96,
      97,     2,     3,    61,     4,    62,    63,    64,    65,    21,
       5,     6,     7,     8,     9,    10,    11,    12,   122,   123,
      66,    58,    23,    70,    67,   107,   108,    60,    41,    42,
      98,    43,   120,   121,    22,    13,   131,   132,   133,   134,
     135,   136,    24,   -73,   -73,    25,   128,   129,    26,   109,
      27,   -73,    70,   110,   130,   137,   138,   128,   129,   100,
     101,   102,   103,   104,   155,   150,   100,   101,   102,   103,
     104,    93,    94,    95,    96,    97,   145,   146,   147,   148,
     149,    28,    29,    30,    31,    41,    42,    45,    43,    37,
      38,    39,    40,   122,   125,    49,    50,    53,    76,    51,
      52,    54,    79,    55,    80,    56,   140,    81,    91,    82,
      83,    84,   128,    85,    90,   159,    46,    92,   114,   124,
     141,   119,   106,   157,   158,   143,   144,     0,    77,     0,
       0,     0,    89
};

static const yytype_int16 yycheck[] =
{
      47,     1,     1,     3,     3,     6,    33,     7,     1,     9,
       3,   109,   110,    34,     7,     6,     9,    17,    39,    19,
      20,    21,    22,   130,    17,    40,    19,    20,    21,    22,
     128,   129,    34,    40,    34,    34,    37,    39,    38,    39,
      39,    34,    89,    34,    35,    38,    39,     1,     3,     3,
       5,     6,   159,     7,    40,     9,     3,     4,     5,     6,
       7,     0,     1,    17,     3,    19,    20,    21,    22,    40,
       9,    10,    11,    12,    13,    14,    15,    16,    36,    37,
      34,     3,    35,   130,    38,     7,     8,     9,     3,     4,
      37,     6,     5,     6,     5,    34,    23,    24,    25,    26,
      27,    28,    40,    29,    30,    40,    29,    30,    38,    31,
      38,    37,   159,    35,    37,    42,    43,    29,    30,     3,
       4,     5,     6,     7,     8,    37,     3,     4,     5,     6,
       7,     3,     4,     5,     6,     7,     3,     4,     5,     6,
       7,     3,     4,     5,     6,     3,     4,     5,     6,    19,
      20,    21,     5,    36,    37,    41,    41,    36,     5,    41,
      41,    41,    35,    41,    33,    41,    37,    35,    33,    35,
      34,    34,    29,    34,    34,    18,    25,    36,    34,    34,
      34,    91,    81,   139,    34,    37,    37,    -1,    34,    -1,
      -1,    -1,    67
};

/* YYSTOS[STATE-NUM] -- The symbol kind of the accessing symbol of
   state STATE-NUM.  */
static const yytype_int8 yystos[] =
{
       0,    45,     0,     1,     3,     9,    10,    11,    12,    13,
      14,    15,    16,    34,    46,    48,    50,    33,    40,    40,
      40,    40,     5,    35,    40,    40,    38,    38,     3,     4,
       5,     6,    47,     3,     5,     6,    49,    49,    49,    49,
       5,     3,     4,     6,    51,     5,    51,    54,    52,    41,
      41,    41,    41,    36,    41,    41,    41,     1,     3,     7,
       9,    17,    19,    20,    21,    22,    34,    38,    39,    55,
      56,     1,     3,    34,    39,    53,     5,    34,    39,    35,
      33,    35,    35,    34,    34,    34,     6,    34,    35,    54,
      34,    33,    36,     3,     4,     5,     6,     7,    37,    57,
       3,     4,     5,     6,     7,    61,    57,     7,     8,    31,
      35,    56,    58,    59,    34,     6,    37,     1,    39,    47,
       5,     6,    36,    37,    34,    37,    58,    58,    29,    30,
      37,    23,    24,    25,    26,    27,    28,    42,    43,    62,
      37,    34,    39,    37,    37,     3,     4,     5,     6,     7,
      37,    58,    58,     1,    55,     8,    60,    61,    34,    18,
      55
};

/* YYR1[RULE-NUM] -- Symbol kind of the left-hand side of rule RULE-NUM.  */
static const yytype_int8 yyr1[] =
{
       0,    44,    45,    45,    46,    46,    46,    46,    46,    46,
      46,    46,    46,    47,    47,    47,    47,    48,    48,    48,
      48,    48,    48,    49,    49,    49,    50,    50,    50,    51,
      51,    51,    52,    52,    53,    53,    53,    54,    54,    55,
      55,    55,    55,    55,    55,    55,    55,    55,    55,    55,
      55,    55,    55,    55,    56,    56,    56,    57,    57,    57,
      57,    57,    57,    57,    57,    57,    57,    58,    58,    58,
      58,    58,    58,    58,    59,    59,    60,    60,    61,    61,
      61,    61,    61,    62,    62,    62,    62,    62,    62,    62,
      62
};

/* YYR2[RULE-NUM] -- Number of symbols on the right-hand side of rule RULE-NUM.  */
static const yytype_int8 yyr2[] =
{
       0,     2,     0,     2,     3,     1,     2,     8,     8,     4,
       5,     4,     1,     1,     1,     1,     1,     1,     4,     4,
       1,     4,     4,     1,     1,     1,     4,     4,     4,     1,
       1,     1,     0,     2,     3,     1,     1,     0,     2,     2,
       5,     7,     3,     4,     2,     2,     2,     2,     4,     3,
       5,     4,     1,     2,     3,     4,     4,     1,     1,     1,
       1,     1,     3,     3,     3,     3,     3,     3,     3,     2,
       3,     3,     1,     1,     1,     1,     1,     1,     1,     1,
       1,     1,     1,     1,     1,     1,     1,     1,     1,     1,
       1
};


enum { YYENOMEM = -2 };

#define yyerrok         (yyerrstatus = 0)
#define yyclearin       (yychar = CFG_YYEMPTY)

#define YYACCEPT        goto yyacceptlab
#define YYABORT         goto yyabortlab
#define YYERROR         goto yyerrorlab
#define YYNOMEM         goto yyexhaustedlab


#define YYRECOVERING()  (!!yyerrstatus)

#define YYBACKUP(Token, Value)                                    \
  do                                                              \
    if (yychar == CFG_YYEMPTY)                                        \
      {                                                           \
        yychar = (Token);                                         \
        yylval = (Value);                                         \
        YYPOPSTACK (yylen);                                       \
        yystate = *yyssp;                                         \
        goto yybackup;                                            \
      }                                                           \
    else                                                          \
      {                                                           \
        yyerror (&yylloc, p, YY_("syntax error: cannot back up")); \
        YYERROR;                                                  \
      }                                                           \
  while (0)

/* Backward compatibility with an undocumented macro.
   Use CFG_YYerror or CFG_YYUNDEF. */
#define YYERRCODE CFG_YYUNDEF

/* YYLLOC_DEFAULT -- Set CURRENT to span from RHS[1] to RHS[N].
   If N is 0, then set CURRENT to the empty location which ends
   the previous symbol: RHS[0] (always defined).  */

#ifndef YYLLOC_DEFAULT
# define YYLLOC_DEFAULT(Current, Rhs, N)                                \
    do                                                                  \
      if (N)                                                            \
        {                                                               \
          (Current).first_line   = YYRHSLOC (Rhs, 1).first_line;        \
          (Current).first_column = YYRHSLOC (Rhs, 1).first_column;      \
          (Current).last_line    = YYRHSLOC (Rhs, N).last_line;         \
          (Current).last_column  = YYRHSLOC (Rhs, N).last_column;       \
        }                                                               \
      else                                                              \
        {                                                               \
          (Current).first_line   = (Current).last_line   =              \
            YYRHSLOC (Rhs, 0).last_line;                                \
          (Current).first_column = (Current).last_column =              \
            YYRHSLOC (Rhs, 0).last_column;                              \
        }                                                               \
    while (0)
#endif

#define YYRHSLOC(Rhs, K) ((Rhs)[K])


/* Enable debugging if requested.  */
#if CFG_YYDEBUG

# ifndef YYFPRINTF
#  include <stdio.h> /* INFRINGES ON USER NAME SPACE */
#  define YYFPRINTF fprintf
# endif

# define YYDPRINTF(Args)                        \
do {                                            \
  if (yydebug)                                  \
    YYFPRINTF Args;                             \
} while (0)


/* YYLOCATION_PRINT -- Print the location on the stream.
   This macro was not mandated originally: define only if we know
   we won't break user code: when these are the locations we know.  */

# ifndef YYLOCATION_PRINT

#  if defined YY_LOCATION_PRINT

   /* Temporary convenience wrapper in case some people defined the
      undocumented and private YY_LOCATION_PRINT macros.  */
#   define YYLOCATION_PRINT(File, Loc)  YY_LOCATION_PRINT(File, *(Loc))

#  elif defined CFG_YYLTYPE_IS_TRIVIAL && CFG_YYLTYPE_IS_TRIVIAL

/* Print *YYLOCP on YYO.  Private, do not rely on its existence. */

YY_ATTRIBUTE_UNUSED
static int
yy_location_print_ (FILE *yyo, YYLTYPE const * const yylocp)
{
  int res = 0;
  int end_col = 0 != yylocp->last_column ? yylocp->last_column - 1 : 0;
  if (0 <= yylocp->first_line)
    {
      res += YYFPRINTF (yyo, "%d", yylocp->first_line);
      if (0 <= yylocp->first_column)
        res += YYFPRINTF (yyo, ".%d", yylocp->first_column);
    }
  if (0 <= yylocp->last_line)
    {
      if (yylocp->first_line < yylocp->last_line)
        {
          res += YYFPRINTF (yyo, "-%d", yylocp->last_line);
          if (0 <= end_col)
            res += YYFPRINTF (yyo, ".%d", end_col);
        }
      else if (0 <= end_col && yylocp->first_column < end_col)
        res += YYFPRINTF (yyo, "-%d", end_col);
    }
  return res;
}

#   define YYLOCATION_PRINT  yy_location_print_

    /* Temporary convenience wrapper in case some people defined the
       undocumented and private YY_LOCATION_PRINT macros.  */
#   define YY_LOCATION_PRINT(File, Loc)  YYLOCATION_PRINT(File, &(Loc))

#  else

#   define YYLOCATION_PRINT(File, Loc) ((void) 0)
    /* Temporary convenience wrapper in case some people defined the
       undocumented and private YY_LOCATION_PRINT macros.  */
#   define YY_LOCATION_PRINT  YYLOCATION_PRINT

#  endif
# endif /* !defined YYLOCATION_PRINT */


# define YY_SYMBOL_PRINT(Title, Kind, Value, Location)                    \
do {                                                                      \
  if (yydebug)                                                            \
    {                                                                     \
      YYFPRINTF (stderr, "%s ", Title);                                   \
      yy_symbol_print (stderr,                                            \
                  Kind, Value, Location, p); \
      YYFPRINTF (stderr, "\n");                                           \
    }                                                                     \
} while (0)


/*-----------------------------------.
| Print this symbol's value on YYO.  |
`-----------------------------------*/

static void
yy_symbol_value_print (FILE *yyo,
                       yysymbol_kind_t yykind, YYSTYPE const * const yyvaluep, YYLTYPE const * const yylocationp, struct cfg_parser *p)
{
  FILE *yyoutput = yyo;
  YY_USE (yyoutput);
  YY_USE (yylocationp);
  YY_USE (p);
  if (!yyvaluep)
    return;
  YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
  YY_USE (yykind);
  YY_IGNORE_MAYBE_UNINITIALIZED_END
}


/*---------------------------.
| Print this symbol on YYO.  |
`---------------------------*/

static void
yy_symbol_print (FILE *yyo,
                 yysymbol_kind_t yykind, YYSTYPE const * const yyvaluep, YYLTYPE const * const yylocationp, struct cfg_parser *p)
{
  YYFPRINTF (yyo, "%s %s (",
             yykind < YYNTOKENS ? "token" : "nterm", yysymbol_name (yykind));

  YYLOCATION_PRINT (yyo, yylocationp);
  YYFPRINTF (yyo, ": ");
  yy_symbol_value_print (yyo, yykind, yyvaluep, yylocationp, p);
  YYFPRINTF (yyo, ")");
}

/*------------------------------------------------------------------.
| yy_stack_print -- Print the state stack from its BOTTOM up to its |
| TOP (included).                                                   |
`------------------------------------------------------------------*/

static void
yy_stack_print (yy_state_t *yybottom, yy_state_t *yytop)
{
  YYFPRINTF (stderr, "Stack now");
  for (; yybottom <= yytop; yybottom++)
    {
      int yybot = *yybottom;
      YYFPRINTF (stderr, " %d", yybot);
    }
  YYFPRINTF (stderr, "\n");
}

# define YY_STACK_PRINT(Bottom, Top)                            \
do {                                                            \
  if (yydebug)                                                  \
    yy_stack_print ((Bottom), (Top));                           \
} while (0)


/*------------------------------------------------.
| Report that the YYRULE is going to be reduced.  |
`------------------------------------------------*/

static void
yy_reduce_print (yy_state_t *yyssp, YYSTYPE *yyvsp, YYLTYPE *yylsp,
                 int yyrule, struct cfg_parser *p)
{
  int yylno = yyrline[yyrule];
  int yynrhs = yyr2[yyrule];
  int yyi;
  YYFPRINTF (stderr, "Reducing stack by rule %d (line %d):\n",
             yyrule - 1, yylno);
  /* The symbols being reduced.  */
  for (yyi = 0; yyi < yynrhs; yyi++)
    {
      YYFPRINTF (stderr, "   $%d = ", yyi + 1);
      yy_symbol_print (stderr,
                       YY_ACCESSING_SYMBOL (+yyssp[yyi + 1 - yynrhs]),
                       &yyvsp[(yyi + 1) - (yynrhs)],
                       &(yylsp[(yyi + 1) - (yynrhs)]), p);
      YYFPRINTF (stderr, "\n");
    }
}

# define YY_REDUCE_PRINT(Rule)          \
do {                                    \
  if (yydebug)                          \
    yy_reduce_print (yyssp, yyvsp, yylsp, Rule, p); \
} while (0)

/* Nonzero means print parse trace.  It is left uninitialized so that
   multiple parsers can coexist.  */
int yydebug;
#else /* !CFG_YYDEBUG */
# define YYDPRINTF(Args) ((void) 0)
# define YY_SYMBOL_PRINT(Title, Kind, Value, Location)
# define YY_STACK_PRINT(Bottom, Top)
# define YY_REDUCE_PRINT(Rule)
#endif /* !CFG_YYDEBUG */


/* YYINITDEPTH -- initial size of the parser's stacks.  */
#ifndef YYINITDEPTH
# define YYINITDEPTH 200
#endif

/* YYMAXDEPTH -- maximum size the stacks can grow to (effective only
   if the built-in stack extension method is used).

   Do not make this value too large; the results are undefined if
   YYSTACK_ALLOC_MAXIMUM < YYSTACK_BYTES (YYMAXDEPTH)
   evaluated with infinite-precision integer arithmetic.  */

#ifndef YYMAXDEPTH
# define YYMAXDEPTH 10000
#endif


/* Context of a parse error.  */
typedef struct
{
  yy_state_t *yyssp;
  yysymbol_kind_t yytoken;
  YYLTYPE *yylloc;
} yypcontext_t;

/* Put in YYARG at most YYARGN of the expected tokens given the
   current YYCTX, and return the number of tokens stored in YYARG.  If
   YYARG is null, return the number of expected tokens (guaranteed to
   be less than YYNTOKENS).  Return YYENOMEM on memory exhaustion.
   Return 0 if there are more than YYARGN expected tokens, yet fill
   YYARG up to YYARGN. */
static int
yypcontext_expected_tokens (const yypcontext_t *yyctx,
                            yysymbol_kind_t yyarg[], int yyargn)
{
  /* Actual size of YYARG. */
  int yycount = 0;
  int yyn = yypact[+*yyctx->yyssp];
  if (!yypact_value_is_default (yyn))
    {
      /* Start YYX at -YYN if negative to avoid negative indexes in
         YYCHECK.  In other words, skip the first -YYN actions for
         this state because they are default actions.  */
      int yyxbegin = yyn < 0 ? -yyn : 0;
      /* Stay within bounds of both yycheck and yytname.  */
      int yychecklim = YYLAST - yyn + 1;
      int yyxend = yychecklim < YYNTOKENS ? yychecklim : YYNTOKENS;
      int yyx;
      for (yyx = yyxbegin; yyx < yyxend; ++yyx)
        if (yycheck[yyx + yyn] == yyx && yyx != YYSYMBOL_YYerror
            && !yytable_value_is_error (yytable[yyx + yyn]))
          {
            if (!yyarg)
              ++yycount;
            else if (yycount == yyargn)
              return 0;
            else
              yyarg[yycount++] = YY_CAST (yysymbol_kind_t, yyx);
          }
    }
  if (yyarg && yycount == 0 && 0 < yyargn)
    yyarg[0] = YYSYMBOL_YYEMPTY;
  return yycount;
}




/* The kind of the lookahead of this context.  */
static yysymbol_kind_t
yypcontext_token (const yypcontext_t *yyctx) YY_ATTRIBUTE_UNUSED;

static yysymbol_kind_t
yypcontext_token (const yypcontext_t *yyctx)
{
  return yyctx->yytoken;
}

/* The location of the lookahead of this context.  */
static YYLTYPE *
yypcontext_location (const yypcontext_t *yyctx) YY_ATTRIBUTE_UNUSED;

static YYLTYPE *
yypcontext_location (const yypcontext_t *yyctx)
{
  return yyctx->yylloc;
}

/* User defined function to report a syntax error.  */
static int
yyreport_syntax_error (const yypcontext_t *yyctx, struct cfg_parser *p);

/*-----------------------------------------------.
| Release the memory associated to this symbol.  |
`-----------------------------------------------*/

static void
yydestruct (const char *yymsg,
            yysymbol_kind_t yykind, YYSTYPE *yyvaluep, YYLTYPE *yylocationp, struct cfg_parser *p)
{
  YY_USE (yyvaluep);
  YY_USE (yylocationp);
  YY_USE (p);
  if (!yymsg)
    yymsg = "Deleting";
  YY_SYMBOL_PRINT (yymsg, yykind, yyvaluep, yylocationp);

  YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
  switch (yykind)
    {
    case YYSYMBOL_ID: /* "identifier"  */
#line 269 "cfg.y"
            { pkg_free(((*yyvaluep).tok).s); }
#line 1329 "build-san/cfg.tab.c"
        break;

    case YYSYMBOL_ADDR: /* "word"  */
#line 269 "cfg.y"
            { pkg_free(((*yyvaluep).tok).s); }
#line 1335 "build-san/cfg.tab.c"
        break;

    case YYSYMBOL_STRING: /* "string"  */
#line 269 "cfg.y"
            { pkg_free(((*yyvaluep).tok).s); }
#line 1341 "build-san/cfg.tab.c"
        break;

    case YYSYMBOL_NUMBER: /* "number"  */
#line 269 "cfg.y"
            { pkg_free(((*yyvaluep).tok).s); }
#line 1347 "build-san/cfg.tab.c"
        break;

    case YYSYMBOL_PV: /* "pseudo-variable"  */
#line 269 "cfg.y"
            { pkg_free(((*yyvaluep).tok).s); }
#line 1353 "build-san/cfg.tab.c"
        break;

    case YYSYMBOL_value: /* value  */
#line 274 "cfg.y"
            { pkg_free((char *)((*yyvaluep).val).s); }
#line 1359 "build-san/cfg.tab.c"
        break;

    case YYSYMBOL_route_head: /* route_head  */
#line 273 "cfg.y"
            { pkg_free(((*yyvaluep).rh).name); }
#line 1365 "build-san/cfg.tab.c"
        break;

    case YYSYMBOL_rname: /* rname  */
#line 269 "cfg.y"
            { pkg_free(((*yyvaluep).tok).s); }
#line 1371 "build-san/cfg.tab.c"
        break;

    case YYSYMBOL_daddr: /* daddr  */
#line 269 "cfg.y"
            { pkg_free(((*yyvaluep).tok).s); }
#line 1377 "build-san/cfg.tab.c"
        break;

    case YYSYMBOL_stmts: /* stmts  */
#line 270 "cfg.y"
            { action_free_list(((*yyvaluep).act)); }
#line 1383 "build-san/cfg.tab.c"
        break;

    case YYSYMBOL_stmt: /* stmt  */
#line 270 "cfg.y"
            { action_free_list(((*yyvaluep).act)); }
#line 1389 "build-san/cfg.tab.c"
        break;

    case YYSYMBOL_call: /* call  */
#line 270 "cfg.y"
            { action_free_list(((*yyvaluep).act)); }
#line 1395 "build-san/cfg.tab.c"
        break;

    case YYSYMBOL_args: /* args  */
#line 270 "cfg.y"
            { action_free_list(((*yyvaluep).act)); }
#line 1401 "build-san/cfg.tab.c"
        break;

    case YYSYMBOL_cond: /* cond  */
#line 271 "cfg.y"
            { expr_free(((*yyvaluep).ex)); }
#line 1407 "build-san/cfg.tab.c"
        break;

    case YYSYMBOL_lhs: /* lhs  */
#line 272 "cfg.y"
            { pkg_free(((*yyvaluep).opd).s); }
#line 1413 "build-san/cfg.tab.c"
        break;

    case YYSYMBOL_rhs: /* rhs  */
#line 272 "cfg.y"
            { pkg_free(((*yyvaluep).opd).s); }
#line 1419 "build-san/cfg.tab.c"
        break;

    case YYSYMBOL_rval: /* rval  */
#line 272 "cfg.y"
            { pkg_free(((*yyvaluep).opd).s); }
#line 1425 "build-san/cfg.tab.c"
        break;

      default:
        break;
    }
  YY_IGNORE_MAYBE_UNINITIALIZED_END
}






/*----------.
| yyparse.  |
`----------*/

int
yyparse (struct cfg_parser *p)
{
/* Lookahead token kind.  */
int yychar;


/* The semantic value of the lookahead symbol.  */
/* Default value used for initialization, for pacifying older GCCs
   or non-GCC compilers.  */
YY_INITIAL_VALUE (static YYSTYPE yyval_default;)
YYSTYPE yylval YY_INITIAL_VALUE (= yyval_default);

/* Location data for the lookahead symbol.  */
static YYLTYPE yyloc_default
# if defined CFG_YYLTYPE_IS_TRIVIAL && CFG_YYLTYPE_IS_TRIVIAL
  = { 1, 1, 1, 1 }
# endif
;
YYLTYPE yylloc = yyloc_default;

    /* Number of syntax errors so far.  */
    int yynerrs = 0;

    yy_state_fast_t yystate = 0;
    /* Number of tokens to shift before error messages enabled.  */
    int yyerrstatus = 0;

    /* Refer to the stacks through separate pointers, to allow yyoverflow
       to reallocate them elsewhere.  */

    /* Their size.  */
    YYPTRDIFF_T yystacksize = YYINITDEPTH;

    /* The state stack: array, bottom, top.  */
    yy_state_t yyssa[YYINITDEPTH];
    yy_state_t *yyss = yyssa;
    yy_state_t *yyssp = yyss;

    /* The semantic value stack: array, bottom, top.  */
    YYSTYPE yyvsa[YYINITDEPTH];
    YYSTYPE *yyvs = yyvsa;
    YYSTYPE *yyvsp = yyvs;

    /* The location stack: array, bottom, top.  */
    YYLTYPE yylsa[YYINITDEPTH];
    YYLTYPE *yyls = yylsa;
    YYLTYPE *yylsp = yyls;

  int yyn;
  /* The return value of yyparse.  */
  int yyresult;
  /* Lookahead symbol kind.  */
  yysymbol_kind_t yytoken = YYSYMBOL_YYEMPTY;
  /* The variables used to return semantic value and location from the
     action routines.  */
  YYSTYPE yyval;
  YYLTYPE yyloc;

  /* The locations where the error started and ended.  */
  YYLTYPE yyerror_range[3];



#define YYPOPSTACK(N)   (yyvsp -= (N), yyssp -= (N), yylsp -= (N))

  /* The number of symbols on the RHS of the reduced rule.
     Keep to zero when no symbol should be popped.  */
  int yylen = 0;

  YYDPRINTF ((stderr, "Starting parse\n"));

  yychar = CFG_YYEMPTY; /* Cause a token to be read.  */

  yylsp[0] = yylloc;
  goto yysetstate;


/*------------------------------------------------------------.
| yynewstate -- push a new state, which is found in yystate.  |
`------------------------------------------------------------*/
yynewstate:
  /* In all cases, when you get here, the value and location stacks
     have just been pushed.  So pushing a state here evens the stacks.  */
  yyssp++;


/*--------------------------------------------------------------------.
| yysetstate -- set current state (the top of the stack) to yystate.  |
`--------------------------------------------------------------------*/
yysetstate:
  YYDPRINTF ((stderr, "Entering state %d\n", yystate));
  YY_ASSERT (0 <= yystate && yystate < YYNSTATES);
  YY_IGNORE_USELESS_CAST_BEGIN
  *yyssp = YY_CAST (yy_state_t, yystate);
  YY_IGNORE_USELESS_CAST_END
  YY_STACK_PRINT (yyss, yyssp);

  if (yyss + yystacksize - 1 <= yyssp)
#if !defined yyoverflow && !defined YYSTACK_RELOCATE
    YYNOMEM;
#else
    {
      /* Get the current used size of the three stacks, in elements.  */
      YYPTRDIFF_T yysize = yyssp - yyss + 1;

# if defined yyoverflow
      {
        /* Give user a chance to reallocate the stack.  Use copies of
           these so that the &'s don't force the real ones into
           memory.  */
        yy_state_t *yyss1 = yyss;
        YYSTYPE *yyvs1 = yyvs;
        YYLTYPE *yyls1 = yyls;

        /* Each stack pointer address is followed by the size of the
           data in use in that stack, in bytes.  This used to be a
           conditional around just the two extra args, but that might
           be undefined if yyoverflow is a macro.  */
        yyoverflow (YY_("memory exhausted"),
                    &yyss1, yysize * YYSIZEOF (*yyssp),
                    &yyvs1, yysize * YYSIZEOF (*yyvsp),
                    &yyls1, yysize * YYSIZEOF (*yylsp),
                    &yystacksize);
        yyss = yyss1;
        yyvs = yyvs1;
        yyls = yyls1;
      }
# else /* defined YYSTACK_RELOCATE */
      /* Extend the stack our own way.  */
      if (YYMAXDEPTH <= yystacksize)
        YYNOMEM;
      yystacksize *= 2;
      if (YYMAXDEPTH < yystacksize)
        yystacksize = YYMAXDEPTH;

      {
        yy_state_t *yyss1 = yyss;
        union yyalloc *yyptr =
          YY_CAST (union yyalloc *,
                   YYSTACK_ALLOC (YY_CAST (YYSIZE_T, YYSTACK_BYTES (yystacksize))));
        if (! yyptr)
          YYNOMEM;
        YYSTACK_RELOCATE (yyss_alloc, yyss);
        YYSTACK_RELOCATE (yyvs_alloc, yyvs);
        YYSTACK_RELOCATE (yyls_alloc, yyls);
#  undef YYSTACK_RELOCATE
        if (yyss1 != yyssa)
          YYSTACK_FREE (yyss1);
      }
# endif

      yyssp = yyss + yysize - 1;
      yyvsp = yyvs + yysize - 1;
      yylsp = yyls + yysize - 1;

      YY_IGNORE_USELESS_CAST_BEGIN
      YYDPRINTF ((stderr, "Stack size increased to %ld\n",
                  YY_CAST (long, yystacksize)));
      YY_IGNORE_USELESS_CAST_END

      if (yyss + yystacksize - 1 <= yyssp)
        YYABORT;
    }
#endif /* !defined yyoverflow && !defined YYSTACK_RELOCATE */


  if (yystate == YYFINAL)
    YYACCEPT;

  goto yybackup;


/*-----------.
| yybackup.  |
`-----------*/
yybackup:
  /* Do appropriate processing given the current state.  Read a
     lookahead token if we need one and don't already have one.  */

  /* First try to decide what to do without reference to lookahead token.  */
  yyn = yypact[yystate];
  if (yypact_value_is_default (yyn))
    goto yydefault;

  /* Not known => get a lookahead token if don't already have one.  */

  /* YYCHAR is either empty, or end-of-input, or a valid lookahead.  */
  if (yychar == CFG_YYEMPTY)
    {
      YYDPRINTF ((stderr, "Reading a token\n"));
      yychar = yylex (&yylval, &yylloc, p);
    }

  if (yychar <= CFG_YYEOF)
    {
      yychar = CFG_YYEOF;
      yytoken = YYSYMBOL_YYEOF;
      YYDPRINTF ((stderr, "Now at end of input.\n"));
    }
  else if (yychar == CFG_YYerror)
    {
      /* The scanner already issued an error message, process directly
         to error recovery.  But do not keep the error token as
         lookahead, it is too special and may lead us to an endless
         loop in error recovery. */
      yychar = CFG_YYUNDEF;
      yytoken = YYSYMBOL_YYerror;
      yyerror_range[1] = yylloc;
      goto yyerrlab1;
    }
  else
    {
      yytoken = YYTRANSLATE (yychar);
      YY_SYMBOL_PRINT ("Next token is", yytoken, &yylval, &yylloc);
    }

  /* If the proper action on seeing token YYTOKEN is to reduce or to
     detect an error, take that action.  */
  yyn += yytoken;
  if (yyn < 0 || YYLAST < yyn || yycheck[yyn] != yytoken)
    goto yydefault;
  yyn = yytable[yyn];
  if (yyn <= 0)
    {
      if (yytable_value_is_error (yyn))
        goto yyerrlab;
      yyn = -yyn;
      goto yyreduce;
    }

  /* Count tokens shifted since error; after three, turn off error
     status.  */
  if (yyerrstatus)
    yyerrstatus--;

  /* Shift the lookahead token.  */
  YY_SYMBOL_PRINT ("Shifting", yytoken, &yylval, &yylloc);
  yystate = yyn;
  YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
  *++yyvsp = yylval;
  YY_IGNORE_MAYBE_UNINITIALIZED_END
  *++yylsp = yylloc;

  /* Discard the shifted token.  */
  yychar = CFG_YYEMPTY;
  goto yynewstate;


/*-----------------------------------------------------------.
| yydefault -- do the default action for the current state.  |
`-----------------------------------------------------------*/
yydefault:
  yyn = yydefact[yystate];
  if (yyn == 0)
    goto yyerrlab;
  goto yyreduce;


/*-----------------------------.
| yyreduce -- do a reduction.  |
`-----------------------------*/
yyreduce:
  /* yyn is the number of a rule to reduce with.  */
  yylen = yyr2[yyn];

  /* If YYLEN is nonzero, implement the default value of the action:
     '$$ = $1'.

     Otherwise, the following line sets YYVAL to garbage.
     This behavior is undocumented and Bison
     users should not rely upon it.  Assigning to YYVAL
     unconditionally makes the parser a bit smaller, and it avoids a
     GCC warning that YYVAL may be used uninitialized.  */
  yyval = yyvsp[1-yylen];

  /* Default location. */
  YYLLOC_DEFAULT (yyloc, (yylsp - yylen), yylen);
  yyerror_range[1] = yyloc;
  YY_REDUCE_PRINT (yyn);
  switch (yyn)
    {
  case 4: /* top: "identifier" '=' value  */
#line 290 "cfg.y"
                                { cfg_do_global(p, (yyvsp[-2].tok).s, &(yyvsp[0].val)); }
#line 1728 "build-san/cfg.tab.c"
    break;

  case 6: /* top: "loadmodule" "string"  */
#line 292 "cfg.y"
                            {
		struct cfg_pos pos = POS((yylsp[0]));
		cfg_do_loadmodule(p, (yyvsp[0].tok).s, &pos);
	  }
#line 1737 "build-san/cfg.tab.c"
    break;

  case 7: /* top: "modparam" '(' "string" ',' "string" ',' "string" ')'  */
#line 296 "cfg.y"
                                                        {
		struct cfg_val v = val_of(p, CV_STR, &(yyvsp[-1].tok), &(yylsp[-1]));
		cfg_do_modparam(p, (yyvsp[-5].tok).s, (yyvsp[-3].tok).s, &v);
	  }
#line 1746 "build-san/cfg.tab.c"
    break;

  case 8: /* top: "modparam" '(' "string" ',' "string" ',' "number" ')'  */
#line 300 "cfg.y"
                                                        {
		struct cfg_val v = val_of(p, CV_NUM, &(yyvsp[-1].tok), &(yylsp[-1]));
		cfg_do_modparam(p, (yyvsp[-5].tok).s, (yyvsp[-3].tok).s, &v);
	  }
#line 1755 "build-san/cfg.tab.c"
    break;

  case 9: /* top: route_head '{' stmts '}'  */
#line 304 "cfg.y"
                                   {
		struct cfg_pos pos = POS((yylsp[-3]));
		cfg_do_route(p, (yyvsp[-3].rh).kind, (yyvsp[-3].rh).name, (yyvsp[-1].act), &pos);
	  }
#line 1764 "build-san/cfg.tab.c"
    break;

  case 10: /* top: route_head '{' stmts error '}'  */
#line 308 "cfg.y"
                                         {
		struct cfg_pos pos = POS((yylsp[-4]));
		cfg_do_route(p, (yyvsp[-4].rh).kind, (yyvsp[-4].rh).name, (yyvsp[-2].act), &pos);
	  }
#line 1773 "build-san/cfg.tab.c"
    break;

  case 11: /* top: domain_head '{' dom_items '}'  */
#line 312 "cfg.y"
                                        { cfg_do_domain_close(p); }
#line 1779 "build-san/cfg.tab.c"
    break;

  case 13: /* value: "number"  */
#line 317 "cfg.y"
                                { (yyval.val) = val_of(p, CV_NUM, &(yyvsp[0].tok), &(yylsp[0])); }
#line 1785 "build-san/cfg.tab.c"
    break;

  case 14: /* value: "string"  */
#line 318 "cfg.y"
                                { (yyval.val) = val_of(p, CV_STR, &(yyvsp[0].tok), &(yylsp[0])); }
#line 1791 "build-san/cfg.tab.c"
    break;

  case 15: /* value: "identifier"  */
#line 319 "cfg.y"
                                { (yyval.val) = val_of(p, CV_ID, &(yyvsp[0].tok), &(yylsp[0])); }
#line 1797 "build-san/cfg.tab.c"
    break;

  case 16: /* value: "word"  */
#line 320 "cfg.y"
                                { (yyval.val) = val_of(p, CV_ID, &(yyvsp[0].tok), &(yylsp[0])); }
#line 1803 "build-san/cfg.tab.c"
    break;

  case 17: /* route_head: "route"  */
#line 324 "cfg.y"
                                         { (yyval.rh).kind = ROUTE_REQUEST; (yyval.rh).name = NULL; }
#line 1809 "build-san/cfg.tab.c"
    break;

  case 18: /* route_head: "route" '[' rname ']'  */
#line 325 "cfg.y"
                                         { (yyval.rh).kind = ROUTE_REQUEST; (yyval.rh).name = (yyvsp[-1].tok).s; }
#line 1815 "build-san/cfg.tab.c"
    break;

  case 19: /* route_head: "failure_route" '[' rname ']'  */
#line 326 "cfg.y"
                                         { (yyval.rh).kind = ROUTE_FAILURE; (yyval.rh).name = (yyvsp[-1].tok).s; }
#line 1821 "build-san/cfg.tab.c"
    break;

  case 20: /* route_head: "onreply_route"  */
#line 327 "cfg.y"
                                         { (yyval.rh).kind = ROUTE_ONREPLY; (yyval.rh).name = NULL; }
#line 1827 "build-san/cfg.tab.c"
    break;

  case 21: /* route_head: "onreply_route" '[' rname ']'  */
#line 328 "cfg.y"
                                         { (yyval.rh).kind = ROUTE_ONREPLY; (yyval.rh).name = (yyvsp[-1].tok).s; }
#line 1833 "build-san/cfg.tab.c"
    break;

  case 22: /* route_head: "branch_route" '[' rname ']'  */
#line 329 "cfg.y"
                                         { (yyval.rh).kind = ROUTE_BRANCH; (yyval.rh).name = (yyvsp[-1].tok).s; }
#line 1839 "build-san/cfg.tab.c"
    break;

  case 26: /* domain_head: "tls_server_domain" '[' daddr ']'  */
#line 335 "cfg.y"
                                             {
		struct cfg_val v = val_of(p, CV_ID, &(yyvsp[-1].tok), &(yylsp[-1]));
		cfg_do_domain_open(p, TLS_DOMAIN_SRV, &v);
	  }
#line 1848 "build-san/cfg.tab.c"
    break;

  case 27: /* domain_head: "tls_client_domain" '[' daddr ']'  */
#line 339 "cfg.y"
                                             {
		struct cfg_val v = val_of(p, CV_ID, &(yyvsp[-1].tok), &(yylsp[-1]));
		cfg_do_domain_open(p, TLS_DOMAIN_CLI, &v);
	  }
#line 1857 "build-san/cfg.tab.c"
    break;

  case 28: /* domain_head: "tls_client_domain" '[' "string" ']'  */
#line 343 "cfg.y"
                                           {
		struct cfg_val v = val_of(p, CV_STR, &(yyvsp[-1].tok), &(yylsp[-1]));
		cfg_do_domain_open(p, TLS_DOMAIN_CLI, &v);
	  }
#line 1866 "build-san/cfg.tab.c"
    break;

  case 34: /* dom_item: "identifier" '=' value  */
#line 357 "cfg.y"
                                { cfg_do_domain_set(p, (yyvsp[-2].tok).s, &(yyvsp[0].val)); }
#line 1872 "build-san/cfg.tab.c"
    break;

  case 37: /* stmts: %empty  */
#line 363 "cfg.y"
                                { (yyval.act) = NULL; }
#line 1878 "build-san/cfg.tab.c"
    break;

  case 38: /* stmts: stmts stmt  */
#line 364 "cfg.y"
                                { (yyval.act) = action_append((yyvsp[-1].act), (yyvsp[0].act)); }
#line 1884 "build-san/cfg.tab.c"
    break;

  case 39: /* stmt: call ';'  */
#line 368 "cfg.y"
                                { (yyval.act) = (yyvsp[-1].act); }
#line 1890 "build-san/cfg.tab.c"
    break;

  case 40: /* stmt: "if" '(' cond ')' stmt  */
#line 369 "cfg.y"
                                                     {
		(yyval.act) = mk_if(p, (yyvsp[-2].ex), (yyvsp[0].act), NULL, &(yylsp[-4]));
	  }
#line 1898 "build-san/cfg.tab.c"
    break;

  case 41: /* stmt: "if" '(' cond ')' stmt "else" stmt  */
#line 372 "cfg.y"
                                         {
		(yyval.act) = mk_if(p, (yyvsp[-4].ex), (yyvsp[-2].act), (yyvsp[0].act), &(yylsp[-6]));
	  }
#line 1906 "build-san/cfg.tab.c"
    break;

  case 42: /* stmt: '{' stmts '}'  */
#line 375 "cfg.y"
                        {
		if (((yyval.act) = mk_action(p, A_BLOCK, &(yylsp[-2]))) != NULL)
			(yyval.act)->then_a = (yyvsp[-1].act);
		else
			action_free_list((yyvsp[-1].act));
	  }
#line 1917 "build-san/cfg.tab.c"
    break;

  case 43: /* stmt: '{' stmts error '}'  */
#line 381 "cfg.y"
                              {
		if (((yyval.act) = mk_action(p, A_BLOCK, &(yylsp[-3]))) != NULL)
			(yyval.act)->then_a = (yyvsp[-2].act);
		else
			action_free_list((yyvsp[-2].act));
	  }
#line 1928 "build-san/cfg.tab.c"
    break;

  case 44: /* stmt: "break" ';'  */
#line 387 "cfg.y"
                                { (yyval.act) = mk_action(p, A_BREAK, &(yylsp[-1])); }
#line 1934 "build-san/cfg.tab.c"
    break;

  case 45: /* stmt: "exit" ';'  */
#line 388 "cfg.y"
                                { (yyval.act) = mk_action(p, A_EXIT, &(yylsp[-1])); }
#line 1940 "build-san/cfg.tab.c"
    break;

  case 46: /* stmt: "drop" ';'  */
#line 389 "cfg.y"
                                { (yyval.act) = mk_action(p, A_DROP, &(yylsp[-1])); }
#line 1946 "build-san/cfg.tab.c"
    break;

  case 47: /* stmt: "return" ';'  */
#line 390 "cfg.y"
                                { (yyval.act) = mk_action(p, A_RETURN, &(yylsp[-1])); }
#line 1952 "build-san/cfg.tab.c"
    break;

  case 48: /* stmt: "return" '(' ')' ';'  */
#line 391 "cfg.y"
                                { (yyval.act) = mk_action(p, A_RETURN, &(yylsp[-3])); }
#line 1958 "build-san/cfg.tab.c"
    break;

  case 49: /* stmt: "return" "number" ';'  */
#line 392 "cfg.y"
                            {
		if (((yyval.act) = mk_action(p, A_RETURN, &(yylsp[-2]))) != NULL)
			(yyval.act) = add_arg(p, (yyval.act), ARG_NUM, &(yyvsp[-1].tok), &(yylsp[-1]));
		else
			pkg_free((yyvsp[-1].tok).s);
	  }
#line 1969 "build-san/cfg.tab.c"
    break;

  case 50: /* stmt: "return" '(' "number" ')' ';'  */
#line 398 "cfg.y"
                                    {
		if (((yyval.act) = mk_action(p, A_RETURN, &(yylsp[-4]))) != NULL)
			(yyval.act) = add_arg(p, (yyval.act), ARG_NUM, &(yyvsp[-2].tok), &(yylsp[-2]));
		else
			pkg_free((yyvsp[-2].tok).s);
	  }
#line 1980 "build-san/cfg.tab.c"
    break;

  case 51: /* stmt: "pseudo-variable" '=' rval ';'  */
#line 404 "cfg.y"
                          {
		if (((yyval.act) = mk_action(p, A_ASSIGN, &(yylsp[-3]))) != NULL) {
			(yyval.act)->lhs = opd_tok(p, OPD_PV, &(yyvsp[-3].tok), &(yylsp[-3]));
			(yyval.act)->rhs = (yyvsp[-1].opd);
		} else {
			pkg_free((yyvsp[-3].tok).s);
			pkg_free((yyvsp[-1].opd).s);
		}
	  }
#line 1994 "build-san/cfg.tab.c"
    break;

  case 52: /* stmt: ';'  */
#line 413 "cfg.y"
                                { (yyval.act) = NULL; }
#line 2000 "build-san/cfg.tab.c"
    break;

  case 53: /* stmt: error ';'  */
#line 414 "cfg.y"
                                { (yyval.act) = NULL; }
#line 2006 "build-san/cfg.tab.c"
    break;

  case 54: /* call: "identifier" '(' ')'  */
#line 418 "cfg.y"
                                { (yyval.act) = mk_call(p, (yyvsp[-2].tok).s, NULL, &(yylsp[-2])); }
#line 2012 "build-san/cfg.tab.c"
    break;

  case 55: /* call: "identifier" '(' args ')'  */
#line 419 "cfg.y"
                                { (yyval.act) = mk_call(p, (yyvsp[-3].tok).s, (yyvsp[-1].act), &(yylsp[-3])); }
#line 2018 "build-san/cfg.tab.c"
    break;

  case 56: /* call: "route" '(' args ')'  */
#line 420 "cfg.y"
                             {
		char *n = pkg_strndup("route", 5);
		if (n == NULL) {
			oom(p, &(yylsp[-3]));
			action_free_list((yyvsp[-1].act));
			(yyval.act) = NULL;
		} else {
			(yyval.act) = mk_call(p, n, (yyvsp[-1].act), &(yylsp[-3]));
		}
	  }
#line 2033 "build-san/cfg.tab.c"
    break;

  case 57: /* args: "string"  */
#line 433 "cfg.y"
                                { (yyval.act) = add_arg(p, NULL, ARG_STR, &(yyvsp[0].tok), &(yylsp[0])); }
#line 2039 "build-san/cfg.tab.c"
    break;

  case 58: /* args: "number"  */
#line 434 "cfg.y"
                                { (yyval.act) = add_arg(p, NULL, ARG_NUM, &(yyvsp[0].tok), &(yylsp[0])); }
#line 2045 "build-san/cfg.tab.c"
    break;

  case 59: /* args: "identifier"  */
#line 435 "cfg.y"
                                { (yyval.act) = add_arg(p, NULL, ARG_ID, &(yyvsp[0].tok), &(yylsp[0])); }
#line 2051 "build-san/cfg.tab.c"
    break;

  case 60: /* args: "word"  */
#line 436 "cfg.y"
                                { (yyval.act) = add_arg(p, NULL, ARG_ID, &(yyvsp[0].tok), &(yylsp[0])); }
#line 2057 "build-san/cfg.tab.c"
    break;

  case 61: /* args: "pseudo-variable"  */
#line 437 "cfg.y"
                                { (yyval.act) = add_arg(p, NULL, ARG_PV, &(yyvsp[0].tok), &(yylsp[0])); }
#line 2063 "build-san/cfg.tab.c"
    break;

  case 62: /* args: args ',' "string"  */
#line 438 "cfg.y"
                                { (yyval.act) = add_arg(p, (yyvsp[-2].act), ARG_STR, &(yyvsp[0].tok), &(yylsp[0])); }
#line 2069 "build-san/cfg.tab.c"
    break;

  case 63: /* args: args ',' "number"  */
#line 439 "cfg.y"
                                { (yyval.act) = add_arg(p, (yyvsp[-2].act), ARG_NUM, &(yyvsp[0].tok), &(yylsp[0])); }
#line 2075 "build-san/cfg.tab.c"
    break;

  case 64: /* args: args ',' "identifier"  */
#line 440 "cfg.y"
                                { (yyval.act) = add_arg(p, (yyvsp[-2].act), ARG_ID, &(yyvsp[0].tok), &(yylsp[0])); }
#line 2081 "build-san/cfg.tab.c"
    break;

  case 65: /* args: args ',' "word"  */
#line 441 "cfg.y"
                                { (yyval.act) = add_arg(p, (yyvsp[-2].act), ARG_ID, &(yyvsp[0].tok), &(yylsp[0])); }
#line 2087 "build-san/cfg.tab.c"
    break;

  case 66: /* args: args ',' "pseudo-variable"  */
#line 442 "cfg.y"
                                { (yyval.act) = add_arg(p, (yyvsp[-2].act), ARG_PV, &(yyvsp[0].tok), &(yylsp[0])); }
#line 2093 "build-san/cfg.tab.c"
    break;

  case 67: /* cond: cond "||" cond  */
#line 446 "cfg.y"
                                { (yyval.ex) = mk_expr(p, EXP_OR, (yyvsp[-2].ex), (yyvsp[0].ex), &(yylsp[-1])); }
#line 2099 "build-san/cfg.tab.c"
    break;

  case 68: /* cond: cond "&&" cond  */
#line 447 "cfg.y"
                                { (yyval.ex) = mk_expr(p, EXP_AND, (yyvsp[-2].ex), (yyvsp[0].ex), &(yylsp[-1])); }
#line 2105 "build-san/cfg.tab.c"
    break;

  case 69: /* cond: '!' cond  */
#line 448 "cfg.y"
                                { (yyval.ex) = mk_expr(p, EXP_NOT, (yyvsp[0].ex), NULL, &(yylsp[-1])); }
#line 2111 "build-san/cfg.tab.c"
    break;

  case 70: /* cond: '(' cond ')'  */
#line 449 "cfg.y"
                                { (yyval.ex) = (yyvsp[-1].ex); }
#line 2117 "build-san/cfg.tab.c"
    break;

  case 71: /* cond: lhs cmpop rhs  */
#line 450 "cfg.y"
                                { (yyval.ex) = mk_cmp(p, &(yyvsp[-2].opd), (yyvsp[-1].op), &(yyvsp[0].opd), &(yylsp[-1])); }
#line 2123 "build-san/cfg.tab.c"
    break;

  case 72: /* cond: call  */
#line 451 "cfg.y"
               {
		if (((yyval.ex) = mk_expr(p, EXP_CALL, NULL, NULL, &(yylsp[0]))) != NULL)
			(yyval.ex)->call = (yyvsp[0].act);
		else
			action_free_list((yyvsp[0].act));
	  }
#line 2134 "build-san/cfg.tab.c"
    break;

  case 73: /* cond: "pseudo-variable"  */
#line 457 "cfg.y"
             {
		if (((yyval.ex) = mk_expr(p, EXP_VALUE, NULL, NULL, &(yylsp[0]))) != NULL)
			(yyval.ex)->lhs = opd_tok(p, OPD_PV, &(yyvsp[0].tok), &(yylsp[0]));
		else
			pkg_free((yyvsp[0].tok).s);
	  }
#line 2145 "build-san/cfg.tab.c"
    break;

  case 74: /* lhs: "message attribute"  */
#line 466 "cfg.y"
                                { (yyval.opd) = opd_kw(p, (yyvsp[0].op), &(yylsp[0])); }
#line 2151 "build-san/cfg.tab.c"
    break;

  case 75: /* lhs: "pseudo-variable"  */
#line 467 "cfg.y"
                                { (yyval.opd) = opd_tok(p, OPD_PV, &(yyvsp[0].tok), &(yylsp[0])); }
#line 2157 "build-san/cfg.tab.c"
    break;

  case 77: /* rhs: "message attribute"  */
#line 472 "cfg.y"
                                { (yyval.opd) = opd_kw(p, (yyvsp[0].op), &(yylsp[0])); }
#line 2163 "build-san/cfg.tab.c"
    break;

  case 78: /* rval: "string"  */
#line 476 "cfg.y"
                                { (yyval.opd) = opd_tok(p, OPD_STR, &(yyvsp[0].tok), &(yylsp[0])); }
#line 2169 "build-san/cfg.tab.c"
    break;

  case 79: /* rval: "number"  */
#line 477 "cfg.y"
                                { (yyval.opd) = opd_tok(p, OPD_NUM, &(yyvsp[0].tok), &(yylsp[0])); }
#line 2175 "build-san/cfg.tab.c"
    break;

  case 80: /* rval: "identifier"  */
#line 478 "cfg.y"
                                { (yyval.opd) = opd_tok(p, OPD_ID, &(yyvsp[0].tok), &(yylsp[0])); }
#line 2181 "build-san/cfg.tab.c"
    break;

  case 81: /* rval: "word"  */
#line 479 "cfg.y"
                                { (yyval.opd) = opd_tok(p, OPD_ID, &(yyvsp[0].tok), &(yylsp[0])); }
#line 2187 "build-san/cfg.tab.c"
    break;

  case 82: /* rval: "pseudo-variable"  */
#line 480 "cfg.y"
                                { (yyval.opd) = opd_tok(p, OPD_PV, &(yyvsp[0].tok), &(yylsp[0])); }
#line 2193 "build-san/cfg.tab.c"
    break;

  case 83: /* cmpop: "=="  */
#line 484 "cfg.y"
                                { (yyval.op) = OP_EQ; }
#line 2199 "build-san/cfg.tab.c"
    break;

  case 84: /* cmpop: "!="  */
#line 485 "cfg.y"
                                { (yyval.op) = OP_NE; }
#line 2205 "build-san/cfg.tab.c"
    break;

  case 85: /* cmpop: "=~"  */
#line 486 "cfg.y"
                                { (yyval.op) = OP_RE; }
#line 2211 "build-san/cfg.tab.c"
    break;

  case 86: /* cmpop: "!~"  */
#line 487 "cfg.y"
                                { (yyval.op) = OP_NRE; }
#line 2217 "build-san/cfg.tab.c"
    break;

  case 87: /* cmpop: '>'  */
#line 488 "cfg.y"
                                { (yyval.op) = OP_GT; }
#line 2223 "build-san/cfg.tab.c"
    break;

  case 88: /* cmpop: '<'  */
#line 489 "cfg.y"
                                { (yyval.op) = OP_LT; }
#line 2229 "build-san/cfg.tab.c"
    break;

  case 89: /* cmpop: ">="  */
#line 490 "cfg.y"
                                { (yyval.op) = OP_GE; }
#line 2235 "build-san/cfg.tab.c"
    break;

  case 90: /* cmpop: "<="  */
#line 491 "cfg.y"
                                { (yyval.op) = OP_LE; }
#line 2241 "build-san/cfg.tab.c"
    break;


#line 2245 "build-san/cfg.tab.c"

      default: break;
    }
  /* User semantic actions sometimes alter yychar, and that requires
     that yytoken be updated with the new translation.  We take the
     approach of translating immediately before every use of yytoken.
     One alternative is translating here after every semantic action,
     but that translation would be missed if the semantic action invokes
     YYABORT, YYACCEPT, or YYERROR immediately after altering yychar or
     if it invokes YYBACKUP.  In the case of YYABORT or YYACCEPT, an
     incorrect destructor might then be invoked immediately.  In the
     case of YYERROR or YYBACKUP, subsequent parser actions might lead
     to an incorrect destructor call or verbose syntax error message
     before the lookahead is translated.  */
  YY_SYMBOL_PRINT ("-> $$ =", YY_CAST (yysymbol_kind_t, yyr1[yyn]), &yyval, &yyloc);

  YYPOPSTACK (yylen);
  yylen = 0;

  *++yyvsp = yyval;
  *++yylsp = yyloc;

  /* Now 'shift' the result of the reduction.  Determine what state
     that goes to, based on the state we popped back to and the rule
     number reduced by.  */
  {
    const int yylhs = yyr1[yyn] - YYNTOKENS;
    const int yyi = yypgoto[yylhs] + *yyssp;
    yystate = (0 <= yyi && yyi <= YYLAST && yycheck[yyi] == *yyssp
               ? yytable[yyi]
               : yydefgoto[yylhs]);
  }

  goto yynewstate;


/*--------------------------------------.
| yyerrlab -- here on detecting error.  |
`--------------------------------------*/
yyerrlab:
  /* Make sure we have latest lookahead translation.  See comments at
     user semantic actions for why this is necessary.  */
  yytoken = yychar == CFG_YYEMPTY ? YYSYMBOL_YYEMPTY : YYTRANSLATE (yychar);
  /* If not already recovering from an error, report this error.  */
  if (!yyerrstatus)
    {
      ++yynerrs;
      {
        yypcontext_t yyctx
          = {yyssp, yytoken, &yylloc};
        if (yyreport_syntax_error (&yyctx, p) == 2)
          YYNOMEM;
      }
    }

  yyerror_range[1] = yylloc;
  if (yyerrstatus == 3)
    {
      /* If just tried and failed to reuse lookahead token after an
         error, discard it.  */

      if (yychar <= CFG_YYEOF)
        {
          /* Return failure if at end of input.  */
          if (yychar == CFG_YYEOF)
            YYABORT;
        }
      else
        {
          yydestruct ("Error: discarding",
                      yytoken, &yylval, &yylloc, p);
          yychar = CFG_YYEMPTY;
        }
    }

  /* Else will try to reuse lookahead token after shifting the error
     token.  */
  goto yyerrlab1;


/*---------------------------------------------------.
| yyerrorlab -- error raised explicitly by YYERROR.  |
`---------------------------------------------------*/
yyerrorlab:
  /* Pacify compilers when the user code never invokes YYERROR and the
     label yyerrorlab therefore never appears in user code.  */
  if (0)
    YYERROR;
  ++yynerrs;

  /* Do not reclaim the symbols of the rule whose action triggered
     this YYERROR.  */
  YYPOPSTACK (yylen);
  yylen = 0;
  YY_STACK_PRINT (yyss, yyssp);
  yystate = *yyssp;
  goto yyerrlab1;


/*-------------------------------------------------------------.
| yyerrlab1 -- common code for both syntax error and YYERROR.  |
`-------------------------------------------------------------*/
yyerrlab1:
  yyerrstatus = 3;      /* Each real token shifted decrements this.  */

  /* Pop stack until we find a state that shifts the error token.  */
  for (;;)
    {
      yyn = yypact[yystate];
      if (!yypact_value_is_default (yyn))
        {
          yyn += YYSYMBOL_YYerror;
          if (0 <= yyn && yyn <= YYLAST && yycheck[yyn] == YYSYMBOL_YYerror)
            {
              yyn = yytable[yyn];
              if (0 < yyn)
                break;
            }
        }

      /* Pop the current state because it cannot handle the error token.  */
      if (yyssp == yyss)
        YYABORT;

      yyerror_range[1] = *yylsp;
      yydestruct ("Error: popping",
                  YY_ACCESSING_SYMBOL (yystate), yyvsp, yylsp, p);
      YYPOPSTACK (1);
      yystate = *yyssp;
      YY_STACK_PRINT (yyss, yyssp);
    }

  YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
  *++yyvsp = yylval;
  YY_IGNORE_MAYBE_UNINITIALIZED_END

  yyerror_range[2] = yylloc;
  ++yylsp;
  YYLLOC_DEFAULT (*yylsp, yyerror_range, 2);

  /* Shift the error token.  */
  YY_SYMBOL_PRINT ("Shifting", YY_ACCESSING_SYMBOL (yyn), yyvsp, yylsp);

  yystate = yyn;
  goto yynewstate;


/*-------------------------------------.
| yyacceptlab -- YYACCEPT comes here.  |
`-------------------------------------*/
yyacceptlab:
  yyresult = 0;
  goto yyreturnlab;


/*-----------------------------------.
| yyabortlab -- YYABORT comes here.  |
`-----------------------------------*/
yyabortlab:
  yyresult = 1;
  goto yyreturnlab;


/*-----------------------------------------------------------.
| yyexhaustedlab -- YYNOMEM (memory exhaustion) comes here.  |
`-----------------------------------------------------------*/
yyexhaustedlab:
  yyerror (&yylloc, p, YY_("memory exhausted"));
  yyresult = 2;
  goto yyreturnlab;


/*----------------------------------------------------------.
| yyreturnlab -- parsing is finished, clean up and return.  |
`----------------------------------------------------------*/
yyreturnlab:
  if (yychar != CFG_YYEMPTY)
    {
      /* Make sure we have latest lookahead translation.  See comments at
         user semantic actions for why this is necessary.  */
      yytoken = YYTRANSLATE (yychar);
      yydestruct ("Cleanup: discarding lookahead",
                  yytoken, &yylval, &yylloc, p);
    }
  /* Do not reclaim the symbols of the rule whose action triggered
     this YYABORT or YYACCEPT.  */
  YYPOPSTACK (yylen);
  YY_STACK_PRINT (yyss, yyssp);
  while (yyssp != yyss)
    {
      yydestruct ("Cleanup: popping",
                  YY_ACCESSING_SYMBOL (+*yyssp), yyvsp, yylsp, p);
      YYPOPSTACK (1);
    }
#ifndef yyoverflow
  if (yyss != yyssa)
    YYSTACK_FREE (yyss);
#endif

  return yyresult;
}

#line 494 "cfg.y"


static void
cfg_yyerror(CFG_YYLTYPE *loc, struct cfg_parser *p, const char *msg)
{
	struct cfg_pos pos = pos_of(p, loc);

	cfg_error(p, &pos, "%s", msg);
}

/* A token's name for messages: identifier, string, '==', '{', 'route'. */
static void
sym_name(char *buf, size_t n, yysymbol_kind_t k)
{
	const char *s = yysymbol_name(k);

	if (s[0] == '\'' || k == YYSYMBOL_YYEOF || k == YYSYMBOL_YYUNDEF ||
	    k == YYSYMBOL_ID || k == YYSYMBOL_ADDR || k == YYSYMBOL_STRING ||
	    k == YYSYMBOL_NUMBER || k == YYSYMBOL_PV || k == YYSYMBOL_ATTR)
		snprintf(buf, n, "%s", s);
	else
		snprintf(buf, n, "'%s'", s);
}

/* "syntax error: unexpected X 'text', expecting A or B" */
static int
yyreport_syntax_error(const yypcontext_t *ctx, struct cfg_parser *p)
{
	yysymbol_kind_t exp[4], tok = yypcontext_token(ctx);
	struct cfg_pos pos = pos_of(p, yypcontext_location(ctx));
	char msg[512], name[64];
	size_t o;
	int i, n;

	n = yypcontext_expected_tokens(ctx, exp, 4);
	if (n < 0)
		return n;
	sym_name(name, sizeof(name), tok);
	o = (size_t)snprintf(msg, sizeof(msg), "syntax error: unexpected %s",
	    name);
	if ((tok == YYSYMBOL_ID || tok == YYSYMBOL_ADDR ||
	    tok == YYSYMBOL_NUMBER || tok == YYSYMBOL_PV) &&
	    p->last[0] != '\0')
		o += (size_t)snprintf(msg + o, sizeof(msg) - o, " '%s'",
		    p->last);
	else if (tok == YYSYMBOL_STRING)
		o += (size_t)snprintf(msg + o, sizeof(msg) - o, " %s", p->last);
	for (i = 0; i < n && o < sizeof(msg); i++) {
		sym_name(name, sizeof(name), exp[i]);
		o += (size_t)snprintf(msg + o, sizeof(msg) - o, "%s%s",
		    i == 0 ? ", expecting " : " or ", name);
	}
	cfg_error(p, &pos, "%s", msg);
	return 0;
}
