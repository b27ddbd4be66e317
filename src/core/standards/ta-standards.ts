import type { StandardsFramework } from './framework.ts';

/** The Teaching Assistant standards, 004 Appendix B: four headings, asked one heading at a time. */
export const TA_STANDARDS: StandardsFramework = {
  set: 'ta-standards',
  title: 'Teaching Assistant Standards',
  source: '004 Appendix B',
  standards: [
    {
      id: 'ta1',
      short: 'Personal and professional conduct',
      heading: 'Personal and professional conduct',
      points: [
        'Proper and professional regard for the ethos, policies and practices of the school',
        'Positive attitudes, values and behaviours that sustain effective relationships with the school community',
        'Safeguarding pupils’ well-being by following statutory guidance and school policies',
        'Upholding values consistent with those required from teachers, respecting individual differences and cultural diversity',
        'Committing to improve their own practice through self-evaluation and awareness',
      ],
    },
    {
      id: 'ta2',
      short: 'Knowledge and understanding',
      heading: 'Knowledge and understanding',
      points: [
        'Keeping their own knowledge and understanding relevant and up to date',
        'Acquiring the skills, qualifications and/or experience the role requires',
        'Understanding the needs of all pupils and contributing to the adaptation and delivery of support',
        'Subject and curriculum knowledge relevant to the role, applied in supporting teachers and pupils',
        'Understanding their roles and responsibilities within the classroom and the whole school',
      ],
    },
    {
      id: 'ta3',
      short: 'Teaching and learning',
      heading: 'Teaching and learning',
      points: [
        'An informed and efficient approach to teaching and learning that supports the teacher and increases achievement, including for pupils with SEND',
        'Promoting inclusion by encouraging participation of all pupils',
        'Using effective behaviour management strategies consistently in line with the school’s policy',
        'Contributing to assessment and planning by monitoring, recording and reporting pupil progress',
        'Communicating effectively and sensitively with pupils to adapt to their needs',
        'Maintaining a stimulating and safe learning environment',
      ],
    },
    {
      id: 'ta4',
      short: 'Working with others',
      heading: 'Working with others',
      points: [
        'Respecting the role of other professionals, parents and carers and working in partnership with them',
        'With the class teacher, keeping other professionals informed of pupils’ performance, progress or concerns',
        'Sharing knowledge to inform planning and decision making',
        'Working collaboratively with classroom teachers and other colleagues, including specialist advisory teachers',
      ],
    },
  ],
};
