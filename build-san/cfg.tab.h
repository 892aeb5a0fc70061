/* A Bison parser, made by GNU Bison 3.8.2.  */

/* Bison interface for Yacc-like parsers in C

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

/* DO NOT RELY ON FEATURES THAT ARE NOT DOCUMENTED in the manual,
   especially those whose name start with YY_ or yy_.  They are
   private implementation details that can be changed or removed.  */

#ifndef YY_CFG_YY_BUILD_SAN_CFG_TAB_H_INCLUDED
# define YY_CFG_YY_BUILD_SAN_CFG_TAB_H_INCLUDED
/* Debug traces.  */
#ifndef CFG_YYDEBUG
# if defined YYDEBUG
#if YYDEBUG
#   define CFG_YYDEBUG 1
#  else
#   define CFG_YYDEBUG 0
#  endif
# else /* ! defined YYDEBUG */
#  define CFG_YYDEBUG 0
# endif /* ! defined YYDEBUG */
#endif  /* ! defined CFG_YYDEBUG */
#if CFG_YYDEBUG
extern int cfg_yydebug;
#endif
/* "%code requires" blocks.  */
#line 15 "cfg.y"

#include "cfg.h"
#include "route_struct.h"

/* A token's text (pkg, NUL-terminated) and, for numbers, its value. */
struct cfg_tok {
	char *s;
	size_t len;
	long n;
};

/* route_head: which block and its name. */
struct cfg_rhead {
	enum route_kind kind;
	char *name;
};

#line 75 "build-san/cfg.tab.h"

/* Token kinds.  */
#ifndef CFG_YYTOKENTYPE
# define CFG_YYTOKENTYPE
  enum cfg_yytokentype
  {
    CFG_YYEMPTY = -2,
    CFG_YYEOF = 0,                 /* "end of file"  */
    CFG_YYerror = 256,             /* error  */
    CFG_YYUNDEF = 257,             /* "invalid token"  */
    ID = 258,                      /* "identifier"  */
    ADDR = 259,                    /* "word"  */
    STRING = 260,                  /* "string"  */
    NUMBER = 261,                  /* "number"  */
    PV = 262,                      /* "pseudo-variable"  */
    ATTR = 263,                    /* "message attribute"  */
    ROUTE = 264,                   /* "route"  */
    FAILURE_ROUTE = 265,           /* "failure_route"  */
    ONREPLY_ROUTE = 266,           /* "onreply_route"  */
    BRANCH_ROUTE = 267,            /* "branch_route"  */
    LOADMODULE = 268,              /* "loadmodule"  */
    MODPARAM = 269,                /* "modparam"  */
    TLS_SERVER_DOMAIN = 270,       /* "tls_server_domain"  */
    TLS_CLIENT_DOMAIN = 271,       /* "tls_client_domain"  */
    IF = 272,                      /* "if"  */
    ELSE = 273,                    /* "else"  */
    BREAK = 274,                   /* "break"  */
    EXIT = 275,                    /* "exit"  */
    DROP = 276,                    /* "drop"  */
    RETURN = 277,                  /* "return"  */
    EQ = 278,                      /* "=="  */
    NE = 279,                      /* "!="  */
    RE = 280,                      /* "=~"  */
    NRE = 281,                     /* "!~"  */
    GE = 282,                      /* ">="  */
    LE = 283,                      /* "<="  */
    AND = 284,                     /* "&&"  */
    OR = 285,                      /* "||"  */
    LOWER_THAN_ELSE = 286          /* LOWER_THAN_ELSE  */
  };
  typedef enum cfg_yytokentype cfg_yytoken_kind_t;
#endif

/* Value type.  */
#if ! defined CFG_YYSTYPE && ! defined CFG_YYSTYPE_IS_DECLARED
union CFG_YYSTYPE
{
#line 222 "cfg.y"

	struct cfg_tok tok;
	struct action *act;
	struct expr *ex;
	struct operand opd;
	struct cfg_rhead rh;
	struct cfg_val val;
	int op;

#line 133 "build-san/cfg.tab.h"

};
typedef union CFG_YYSTYPE CFG_YYSTYPE;
# define CFG_YYSTYPE_IS_TRIVIAL 1
# define CFG_YYSTYPE_IS_DECLARED 1
#endif

/* Location type.  */
#if ! defined CFG_YYLTYPE && ! defined CFG_YYLTYPE_IS_DECLARED
typedef struct CFG_YYLTYPE CFG_YYLTYPE;
struct CFG_YYLTYPE
{
  int first_line;
  int first_column;
  int last_line;
  int last_column;
};
# define CFG_YYLTYPE_IS_DECLARED 1
# define CFG_YYLTYPE_IS_TRIVIAL 1
#endif




int cfg_yyparse (struct cfg_parser *p);


#endif /* !YY_CFG_YY_BUILD_SAN_CFG_TAB_H_INCLUDED  */
